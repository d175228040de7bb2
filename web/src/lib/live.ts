import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/**
 * The live feed (GET /api/v1/events/stream, Server-Sent Events). Each order event or alert marks
 * what shows it as stale, at most a few times a second, so the board and the pages refetch on
 * their own. EventSource reconnects by itself and sends Last-Event-ID, so nothing is skipped.
 */
export function useLiveFeed(enabled: boolean): boolean {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled) return undefined;
    const source = new EventSource('/api/v1/events/stream');
    const orders = new Set<string>();
    let alerts = false;
    let timer: number | null = null;
    const flush = () => {
      timer = null;
      void queryClient.invalidateQueries({ queryKey: ['board'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
      for (const id of orders) void queryClient.invalidateQueries({ queryKey: ['order', id] });
      if (alerts) void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      orders.clear();
      alerts = false;
    };
    const soon = () => {
      timer ??= window.setTimeout(flush, 250);
    };
    source.addEventListener('ready', () => setConnected(true));
    source.addEventListener('order', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { orderId?: string };
      if (data.orderId) orders.add(data.orderId);
      soon();
    });
    source.addEventListener('alert', () => {
      alerts = true;
      soon();
    });
    source.onerror = () => setConnected(false);
    return () => {
      source.close();
      if (timer) window.clearTimeout(timer);
    };
  }, [enabled, queryClient]);
  return connected;
}
