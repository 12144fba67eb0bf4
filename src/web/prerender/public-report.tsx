/**
 * The public report pages rendered to HTML at build time (scripts/prerender-public.ts), so that a
 * phone on a slow network shows the form as soon as the page's HTML and CSS arrive, before any
 * JavaScript: the form in each of the three languages, one file each, the server sending the reader's
 * (src/server/prerendered.ts); the app then takes over the page in the same language, keeping what
 * was typed (see `prerendered.ts`).
 */
import { renderToString } from 'react-dom/server';
import { createInstance } from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { StaticRouter } from 'react-router';
import type { Language } from '../../shared/languages.ts';
import { translations } from '../i18n/resources.ts';
import { ThemeProvider } from '../theme.tsx';
import { PublicReportPage } from '../features/hotline/public/PublicReportPage.tsx';
import { FollowUpPage } from '../features/hotline/public/FollowUpPage.tsx';
import { PRODUCT_NAME } from '../components/documentTitle.ts';

export const PRERENDERED_PAGES = {
  'public-report': { path: '/public/report', title: 'hotlinePublic.report.title', Page: PublicReportPage },
  'public-follow-up': { path: '/public/report/follow-up', title: 'hotlinePublic.followUp.title', Page: FollowUpPage },
} as const;

/** One page's markup (what goes inside #root) and its document title, in a language. */
export async function render(name: keyof typeof PRERENDERED_PAGES, lang: Language): Promise<{ html: string; title: string }> {
  const { path, title, Page } = PRERENDERED_PAGES[name];
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ lng: lang, fallbackLng: false, resources: { [lang]: { translation: translations[lang] } }, interpolation: { escapeValue: false }, returnNull: false });
  const html = renderToString(
    <I18nextProvider i18n={i18n}>
      <ThemeProvider>
        <StaticRouter location={path}>
          <Page />
        </StaticRouter>
      </ThemeProvider>
    </I18nextProvider>,
  );
  return { html, title: `${i18n.t(title)} — ${PRODUCT_NAME}` };
}
