import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';

/** Turns an actor as records write it (`person:<id>`, `api_key:<id>`, `system:demo`) into a name where one is known. */
export function useActorName(): (actor: string | null | undefined) => string {
  const people = useQuery({
    queryKey: ['people', 'directory'],
    queryFn: () => api<{ items: { id: string; displayName: string }[] }>('/api/v1/people/directory'),
    staleTime: 60_000,
  });
  const names = new Map((people.data?.items ?? []).map((p) => [p.id, p.displayName]));
  return (actor) => {
    if (!actor) return '—';
    const [kind, id] = actor.split(/:(.*)/s) as [string, string | undefined];
    return kind === 'person' && id && names.has(id) ? names.get(id)! : actor;
  };
}
