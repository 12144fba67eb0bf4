import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** The id of every screen's `<main>`: where the skip link leads. */
export const MAIN_ID = 'main-content';

/**
 * "Skip to content" (WCAG 2.4.1 Bypass Blocks): the first thing the Tab key reaches on every screen,
 * shown only while focused; it moves the focus to the screen's `<main>`, past the header and menu.
 */
export function SkipLink() {
  const { t } = useTranslation();
  const skip = (e: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById(MAIN_ID);
    if (!main) return;
    // Focus, not the address's #fragment: the router owns the address, and Back should not stop here.
    e.preventDefault();
    main.focus();
    main.scrollIntoView();
  };
  return (
    <a className="skip-link" href={`#${MAIN_ID}`} onClick={skip}>
      {t('a11y.skipToContent')}
    </a>
  );
}
