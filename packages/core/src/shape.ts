// Two small io-ts combinators that give the error messages this library promises:
// - `shape`: an object with required and optional members; in strict mode (commands, which people
//   type) an unknown key is an error, so a typo like `referenc` is not silently dropped; in loose
//   mode (stored events, which newer writers may extend) unknown keys are ignored.
// - `tagged`: a union dispatched on a tag (`type`, `kind`), so a bad member reports its own
//   problems instead of one failure per union branch.
import * as t from 'io-ts';

export type ShapeOf<R extends t.Props, O extends t.Props> = { readonly [K in keyof R]: t.TypeOf<R[K]> } & {
  readonly [K in keyof O]?: t.TypeOf<O[K]>;
};
export type ShapeOutput<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.OutputOf<R[K]> } & Partial<{
  [K in keyof O]: t.OutputOf<O[K]>;
}>;

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

export class ShapeType<R extends t.Props, O extends t.Props> extends t.Type<ShapeOf<R, O>, ShapeOutput<R, O>, unknown> {
  readonly _tag = 'ShapeType' as const;
  constructor(
    name: string,
    readonly required: R,
    readonly optional: O,
    readonly strict: boolean,
  ) {
    const reqKeys = Object.keys(required);
    const optKeys = Object.keys(optional);
    const known = new Set([...reqKeys, ...optKeys]);
    // `is` allocates nothing, so decoders can try it first and only build io-ts contexts (one
    // array per field) to explain a failure.
    const is = (u: unknown): u is ShapeOf<R, O> => {
      if (!isRecord(u)) return false;
      for (const k of reqKeys) if (!required[k]!.is(u[k])) return false;
      for (const k of optKeys) if (u[k] !== undefined && !optional[k]!.is(u[k])) return false;
      if (strict) for (const k in u) if (!known.has(k)) return false;
      return true;
    };
    super(
      name,
      is,
      (u, c) => {
        if (!isRecord(u)) return t.failure(u, c);
        const errors: t.ValidationError[] = [];
        // Loose shapes keep fields they do not know (a newer writer's), as the fast path does.
        const out: Record<string, unknown> = strict ? {} : { ...u };
        for (const k of reqKeys) {
          const codec = required[k]!;
          const r = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
          if (r._tag === 'Left') errors.push(...r.left);
          else out[k] = r.right;
        }
        for (const k of optKeys) {
          if (u[k] === undefined) continue;
          const codec = optional[k]!;
          const r = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
          if (r._tag === 'Left') errors.push(...r.left);
          else out[k] = r.right;
        }
        if (strict) {
          for (const k of Object.keys(u)) {
            if (!known.has(k)) {
              errors.push({
                value: u[k],
                context: t.appendContext(c, k, t.unknown, u[k]),
                message: `is not a known field (known: ${[...known].join(', ')})`,
              });
            }
          }
        }
        return errors.length ? t.failures(errors) : t.success(out as ShapeOf<R, O>);
      },
      (a) => {
        const out: Record<string, unknown> = {};
        const src = a as Record<string, unknown>;
        for (const k of reqKeys) out[k] = required[k]!.encode(src[k]);
        for (const k of optKeys) if (src[k] !== undefined) out[k] = optional[k]!.encode(src[k]);
        return out as ShapeOutput<R, O>;
      },
    );
  }
}

export const shape = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional: O = {} as O,
  strict = true,
): ShapeType<R, O> => new ShapeType(name, required, optional, strict);

/** The same shape, but ignoring unknown keys (for data written by possibly newer writers). */
export const loose = <R extends t.Props, O extends t.Props>(s: ShapeType<R, O>): ShapeType<R, O> =>
  new ShapeType(s.name, s.required, s.optional, false);

export class TaggedType<K extends string, M extends Record<string, t.Mixed>> extends t.Type<
  t.TypeOf<M[keyof M]>,
  t.OutputOf<M[keyof M]>,
  unknown
> {
  readonly _tag = 'TaggedType' as const;
  constructor(
    name: string,
    readonly tag: K,
    readonly members: M,
  ) {
    const names = Object.keys(members);
    super(
      name,
      (u): u is t.TypeOf<M[keyof M]> =>
        isRecord(u) && typeof u[tag] === 'string' && names.includes(u[tag] as string) && members[u[tag] as string]!.is(u),
      (u, c) => {
        if (!isRecord(u)) return t.failure(u, c);
        const v = u[tag];
        if (typeof v !== 'string' || !Object.hasOwn(members, v)) {
          return t.failures([
            {
              value: v,
              context: t.appendContext(c, tag, t.string, v),
              message:
                v === undefined
                  ? `is required: expected one of ${names.join(', ')}`
                  : `expected one of ${names.join(', ')}, got ${JSON.stringify(v)}`,
            },
          ]);
        }
        return members[v]!.validate(u, c);
      },
      (a) => members[(a as Record<string, string>)[tag]!]!.encode(a),
    );
  }
}

export const tagged = <K extends string, M extends Record<string, t.Mixed>>(name: string, tag: K, members: M) =>
  new TaggedType(name, tag, members);

/** A string that is one of a fixed list, reported as `expected one of a, b, c`. */
export const oneOf = <V extends string>(values: readonly V[]) =>
  new t.Type<V, V, unknown>(
    `one of ${values.join(', ')}`,
    (u): u is V => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) => (typeof u === 'string' && (values as readonly string[]).includes(u) ? t.success(u as V) : t.failure(u, c)),
    (a) => a,
  );

/** A non-empty array with a readable name. */
export const nonEmptyArray = <C extends t.Mixed>(item: C, name: string) => t.refinement(t.readonlyArray(item), (xs) => xs.length > 0, name);
