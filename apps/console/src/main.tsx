/** The console's entry: languages, the data cache, the router. */
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { I18nProvider } from 'react-aria-components';
import { z } from 'zod';
import { ConsoleError } from './api/console-client.js';
import { createConsoleI18n, storedLanguage } from './i18n/index.js';
import { createConsoleRouter } from './router.js';
import './styles.css';

// zod would probe for eval (new Function) to speed up parsing; the CSP forbids it, so say so up front.
z.config({ jitless: true });

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (403, 404, 400) will not change on a retry; only a failed connection might.
      retry: (count, error) => !(error instanceof ConsoleError) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** react-aria's dates and numbers follow the page's language, not the browser's. */
function WidgetLocale({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <I18nProvider locale={i18n.language === 'en' ? 'en-GB' : 'ja-JP'}>{children}</I18nProvider>;
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <I18nextProvider i18n={createConsoleI18n(storedLanguage(window.localStorage))}>
      <WidgetLocale>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={createConsoleRouter()} />
        </QueryClientProvider>
      </WidgetLocale>
    </I18nextProvider>
  </StrictMode>,
);
