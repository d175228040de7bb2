import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { orderStatuses } from '../orders/orders.lifecycle.ts';
import { priorities } from '../orders/orders.priority.ts';
import { timeZone } from '../time/time.input.ts';
import { csvOf } from '../../platform/validation.ts';
import { wallClockStamp } from '../../platform/time/wall-clock.ts';
import { csvHeader, csvLine } from './board.csv.ts';
import { boardPage, boardRows, boardSummary, ordersPerHour } from './board.service.ts';

const filters = {
  status: csvOf(orderStatuses).optional().describe('statuses, comma-separated; the orders waiting for a warehouse (paid to pushed, on hold, exception) unless told'),
  channel: z.string().max(32).optional(),
  shopId: z.string().max(64).optional(),
  priority: csvOf(priorities).optional().describe('tiers, comma-separated'),
  group: z.string().max(32).optional().describe('handling group code'),
  warehouse: z.string().max(32).optional().describe('orders with a delivery order at this warehouse'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only orders past their deadline'),
};
const search = { q: z.string().max(64).optional().describe('an order id or a channel order id, exactly') };

const pageQuery = z.object({ ...filters, ...search, cursor: z.string().max(300).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
const summaryQuery = z.object(filters);
const exportQuery = z.object({
  ...filters,
  ...search,
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  tz: timeZone.default('Asia/Shanghai').describe('the IANA zone to write times in'),
});

const EXPORT_MAX_ROWS = 100_000;

export function boardRoutes(app: Api): void {
  app.get('/api/v1/board', {
    schema: {
      tags: ['board'],
      summary: 'The order board: orders waiting for a warehouse, most urgent deadline first, each with its warning (none, amber past 2 h pending, red past its deadline)',
      querystring: pageQuery,
    },
  }, async (req) => boardPage(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/board/summary', {
    schema: { tags: ['board'], summary: 'Counts on the board by status and tier, with how many are overdue and how many amber', querystring: summaryQuery },
  }, async (req) => boardSummary(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/board/hourly', {
    schema: { tags: ['board'], summary: 'Orders received per hour and channel, over the last hours (24 unless told, at most 168)', querystring: z.object({ hours: z.coerce.number().int().min(1).max(168).default(24) }) },
  }, async (req) => ordersPerHour(ctxFor(req, ...allRoles), req.query.hours));

  app.get('/api/v1/board/export.csv', {
    schema: { tags: ['board'], summary: `The board's current filter as CSV (UTF-8 with BOM; at most ${EXPORT_MAX_ROWS} rows), headings in the language and times in the zone asked for`, querystring: exportQuery },
  }, async (req, reply) => {
    const ctx = ctxFor(req, ...allRoles);
    const { lang, tz, ...query } = req.query;
    let body = csvHeader(lang, tz);
    for await (const row of boardRows(ctx, query, EXPORT_MAX_ROWS)) body += csvLine(row, tz, lang);
    // Stamped on the wall clock the file's times are written in, so its name matches its contents.
    const stamp = wallClockStamp(ctx.clock.now(), tz);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="orders-${stamp}.csv"`)
      .send(body);
  });
}
