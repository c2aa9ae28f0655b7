// The dashboard page: plain HTML with inline SVG charts and a little script that reads the JSON
// endpoints. No build step: the file is served as it is written (public/dashboard.html).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let cached: string | null = null;

export const dashboardHtml = (): string => (cached ??= readFileSync(new URL('../public/dashboard.html', import.meta.url), 'utf8'));

// The page formats and reads amounts with core's own functions (each currency's ISO 4217 minor
// units, numbers as the ledger's locale writes them), served as core's build has them: the
// module imports nothing but ISO's table, so the browser loads it as it is. The page and the
// CLI can then never write or read an amount differently.
const CORE_MODULES = new Set(['money-text.js', 'iso4217.js']);
const coreDist = new URL('./dist/', pathToFileURL(createRequire(import.meta.url).resolve('@renewal-ledger/core/package.json')));
const modules = new Map<string, string>();

/** A module of core the page imports (`/lib/money-text.js`), or null for any other name. */
export const dashboardModule = (name: string): string | null => {
  if (!CORE_MODULES.has(name)) return null;
  let text = modules.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, coreDist), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/u, '\n');
    modules.set(name, text);
  }
  return text;
};
