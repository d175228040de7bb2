import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';
import type { Session } from './types.ts';

const SessionContext = createContext<Session | null>(null);

export function useSessionQuery() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        const session = await api<Session>('/api/v1/session');
        setCsrfToken(session.csrfToken);
        // The sign-in page offers this tenant next time (the demo's, say, rather than the default).
        localStorage.setItem('oms.tenant', session.tenantId);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export const SessionProvider = ({ session, children }: { session: Session; children: ReactNode }) => (
  <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Whether the signed-in person's role is one of these. */
export function useCan(...roles: string[]): boolean {
  const session = useSession();
  return session.role !== null && roles.includes(session.role);
}

export function useSignedOut() {
  const queryClient = useQueryClient();
  return () => {
    setCsrfToken(null);
    queryClient.clear();
    window.location.assign('/login');
  };
}
