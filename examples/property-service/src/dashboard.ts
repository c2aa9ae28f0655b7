// The dashboard page: plain HTML with inline SVG charts and a little script that reads the JSON
// endpoints. No build step: the file is served as it is written (public/dashboard.html).
import { readFileSync } from 'node:fs';

let cached: string | null = null;

export const dashboardHtml = (): string => (cached ??= readFileSync(new URL('../public/dashboard.html', import.meta.url), 'utf8'));
