import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';
import { initI18n } from './i18n/index.ts';
import { ThemeProvider } from './theme.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { keepPrerenderedInput } from './features/hotline/public/prerendered.ts';

const root = document.getElementById('root')!;
// The public report pages arrive with their form prerendered (scripts/prerender-public.ts). Their code
// is fetched with the texts and rendered without lazy loading, so the form on screen is replaced by
// the working one at once (never by a spinner), with whatever the reporter typed meanwhile; and
// without the rest of the app (query cache, route tree), which is a chunk of its own.
const prerendered = Boolean(root.dataset.prerendered) && window.location.pathname.startsWith('/public/report');
// (Two statements, not one conditional expression: Vite preloads a dynamic import's chunks per import
// expression, and one expression holding both imports would fetch the whole app's chunks too.)
async function loadScreens(): Promise<ComponentType> {
  if (prerendered) return (await import('./features/hotline/public/PublicReportApp.tsx')).PublicReportApp;
  return (await import('./FullApp.tsx')).FullApp;
}

void Promise.all([initI18n(), loadScreens()]).then(([, Screens]) => {
  if (prerendered) keepPrerenderedInput(root);
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider>
        <ErrorBoundary>
          <Screens />
        </ErrorBoundary>
      </ThemeProvider>
    </StrictMode>,
  );
});
