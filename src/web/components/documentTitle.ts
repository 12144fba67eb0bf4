import { useEffect } from 'react';

/** The product's name after each screen's title in the browser's tab and history. */
export const PRODUCT_NAME = 'Pathway';

/**
 * Sets `document.title` to "<screen> — <site>" while the screen is shown (WCAG 2.4.2 Page Titled):
 * the screen's name in the user's language first, so tabs and screen readers tell screens apart.
 * The public press pages pass their own name as the site; a screen without a name of its own yet
 * (still loading) passes only the site.
 */
export function useDocumentTitle(screen: string | null | undefined, site: string = PRODUCT_NAME): void {
  const title = screen ? `${screen} — ${site}` : site;
  useEffect(() => {
    document.title = title;
  }, [title]);
}
