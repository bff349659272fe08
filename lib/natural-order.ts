/** Natural order ('img2' before 'img10'); names it calls equal ('f0', 'f00') by code units, so no order is left to readdir. */
export const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
