import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';
import { initI18n } from './i18n/index.ts';
import { App } from './App.tsx';
import { ThemeProvider } from './theme.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { keepPrerenderedInput } from './features/hotline/public/prerendered.ts';

const queryClient = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } } });

const root = document.getElementById('root')!;
// The public report pages arrive with their form prerendered (scripts/prerender-public.ts). Their code
// is fetched with the texts and rendered without lazy loading, so the form on screen is replaced by
// the working one at once (never by a spinner), with whatever the reporter typed meanwhile.
const prerendered = Boolean(root.dataset.prerendered) && window.location.pathname.startsWith('/public/report');

void Promise.all([initI18n(), prerendered ? import('./features/hotline/public/PublicReportApp.tsx') : null]).then(([, publicReport]) => {
  if (publicReport) keepPrerenderedInput(root);
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider>
        <ErrorBoundary>
          {publicReport ? (
            <BrowserRouter>
              <publicReport.PublicReportApp />
            </BrowserRouter>
          ) : (
            <QueryClientProvider client={queryClient}>
              <BrowserRouter>
                <App />
              </BrowserRouter>
            </QueryClientProvider>
          )}
        </ErrorBoundary>
      </ThemeProvider>
    </StrictMode>,
  );
});
