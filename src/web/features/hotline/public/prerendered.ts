/**
 * The public report pages arrive prerendered (scripts/prerender-public.ts): their form is on screen
 * before the JavaScript, and a reporter may start typing into it. When the app takes the page over,
 * what was typed is kept here and the app's fields start with it.
 */
const typed = new Map<string, string>();

/** Reads the named fields of the prerendered page, just before the app replaces it. */
export function keepPrerenderedInput(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('textarea[name], input[name]')) {
    if (el.value && !el.hasAttribute('data-honeypot')) typed.set(el.name, el.value);
  }
}

/** What was typed into the prerendered field of this name (once; '' when nothing). */
export function typedBeforeStart(name: string): string {
  const value = typed.get(name) ?? '';
  typed.delete(name);
  return value;
}
