// Turns io-ts errors into one readable line per problem, with the path into the input:
//   lines/2/amountMinor: expected a positive safe integer, got -5
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

export interface Problem {
  /** Slash-separated path into the input, `""` for the input itself. */
  readonly path: string;
  readonly message: string;
}

/** Bad input at a boundary: nothing was decided or stored. */
export interface InvalidInput {
  readonly code: 'INVALID_INPUT';
  /** What was being decoded: "RecordPayment command", "Paid event"... */
  readonly subject: string;
  readonly message: string;
  readonly problems: readonly Problem[];
}

const show = (u: unknown): string => {
  if (u === undefined) return 'nothing';
  if (typeof u === 'string') return JSON.stringify(u.length > 60 ? `${u.slice(0, 57)}...` : u);
  if (typeof u === 'function') return 'a function';
  try {
    const s = JSON.stringify(u);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    // Too deep for JSON.stringify (thousands of nested arrays), a cycle or a bigint: String(u)
    // would recurse just as deep, so say only what it is.
    return Array.isArray(u) ? 'an array' : typeof u === 'object' && u !== null ? 'an object' : typeof u;
  }
};

// Names io-ts gives its structural types; for these the leaf type says more.
const isStructural = (name: string) => /^(\{|Partial<|Exact<|Array<|\(|Readonly)/.test(name) || name.includes(' & ');

export const problemOf = (error: t.ValidationError): Problem => {
  const keys: string[] = [];
  // context[0] is the root; union/intersection members show up as numeric keys on a type that
  // is not an array, which are not part of the path into the input.
  for (let i = 1; i < error.context.length; i++) {
    const entry = error.context[i]!;
    const parent = error.context[i - 1]!;
    const parentIsCombinator = parent.type instanceof t.UnionType || parent.type instanceof t.IntersectionType;
    if (parentIsCombinator && /^\d+$/.test(entry.key)) continue;
    keys.push(entry.key);
  }
  const leaf = error.context[error.context.length - 1]!;
  if (error.message) return { path: keys.join('/'), message: error.message };
  const expected = /^(Readonly)?Array</.test(leaf.type.name) ? 'an array' : isStructural(leaf.type.name) ? 'an object' : leaf.type.name;
  const message =
    error.value === undefined && keys.length > 0 ? `is required: expected ${expected}` : `expected ${expected}, got ${show(error.value)}`;
  return { path: keys.join('/'), message };
};

export const problemsOf = (errors: t.Errors): Problem[] => {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    const p = problemOf(e);
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
};

export const formatProblem = (p: Problem): string => (p.path ? `${p.path}: ${p.message}` : p.message);

export const invalidInput = (subject: string, problems: readonly Problem[]): InvalidInput => ({
  code: 'INVALID_INPUT',
  subject,
  message: `invalid ${subject}: ${problems.map(formatProblem).join('; ')}`,
  problems,
});

/** Decode with a codec and report problems PathReporter-style. */
export const decodeWith =
  <A>(codec: t.Decoder<unknown, A>, subject: string) =>
  (input: unknown): E.Either<InvalidInput, A> => {
    const r = codec.decode(input);
    return E.isRight(r) ? r : E.left(invalidInput(subject, problemsOf(r.left)));
  };

/**
 * Like `decodeWith`, but first tries the codec's allocation-free `is` guard and returns the input
 * itself when it passes. For data the caller owns and will not mutate (freshly parsed stored
 * events): the hot path of every read.
 */
export const decodeOwnedWith = <A>(codec: t.Type<A, unknown, unknown>, subject: string) => {
  const slow = decodeWith(codec, subject);
  return (input: unknown): E.Either<InvalidInput, A> => (codec.is(input) ? E.right(input) : slow(input));
};
