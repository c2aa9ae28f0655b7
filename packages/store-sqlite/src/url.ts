// `sqlite:` URLs as openStore takes them. Written by hand rather than with `new URL`, because
// `sqlite:./renewal.db` is a relative path, which WHATWG URLs cannot express.
export const SQLITE_URL_FORMS = [
  'sqlite:./renewal.db (relative to the working directory)',
  'sqlite:/abs/path/renewal.db',
  'sqlite::memory:',
] as const;

/** The file path a `sqlite:` URL names, or throws a TypeError saying which forms are accepted. */
export const sqlitePathFromUrl = (url: string): string => {
  const m = /^sqlite:(.*)$/i.exec(url.trim());
  let rest = m?.[1] ?? '';
  // Tolerate the common `sqlite:///abs/path` and `sqlite://./rel` spellings.
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (!m || rest === '') throw new TypeError(`not a SQLite URL: ${JSON.stringify(url)}; expected ${SQLITE_URL_FORMS.join(', ')}`);
  return rest;
};
