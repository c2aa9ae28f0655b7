// Packages that can do without a driver or a store adapter (they are optional peer dependencies)
// load it only when asked for something that needs it, and then say which package to install
// rather than failing with Node's bare "Cannot find package".

/** A package that a store URL or a view database needs is not installed. */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError';
  readonly code = 'MISSING_PACKAGE' as const;
  constructor(
    /** What to install: `npm install <packageName>`. */
    readonly packageName: string,
    /** What needed it, e.g. `a postgres:// store URL`. */
    readonly neededFor: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${neededFor} needs the package ${packageName}, which is not installed: npm install ${packageName}`, options);
  }
}

// Node's messages: "Cannot find package 'pg' imported from ..." (import) and "Cannot find module
// 'pg'\nRequire stack: ..." (require). Only a bare name is a missing package: a missing file
// inside an installed package (a path) is a broken install, not this.
const notFound = /^Cannot find (?:package|module) '((?:@[^/']+\/)?[^/.'][^/']*)/;

/**
 * The MissingPackageError for an error thrown while loading a module when it says a package is
 * not installed (the one asked for, or one that it needs in turn); undefined for any other
 * failure, such as a native addon that does not load, which must not pass for a missing install.
 */
export const missingPackageIn = (error: unknown, neededFor: string): MissingPackageError | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const name = notFound.exec(String((error as Error).message))?.[1];
  return name === undefined ? undefined : new MissingPackageError(name, neededFor, { cause: error });
};
