import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { ApiError } from './lib/api.ts';
import { I18nProvider } from './lib/i18n.tsx';
import { TimeZoneProvider } from './lib/time.tsx';
import './styles.css';

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error) => {
      // A session that ended while the page was open: back to the sign-in page.
      if (error instanceof ApiError && error.status === 401 && window.location.pathname !== '/login') window.location.assign('/login');
    },
  }),
  defaultOptions: { queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <TimeZoneProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </TimeZoneProvider>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
