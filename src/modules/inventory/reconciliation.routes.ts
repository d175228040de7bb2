import { ctxFor, stockReaders as readers, type Api } from '../../api/http.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { parseIsoInstant } from '../../platform/time/instants.ts';
import { warehouseParams } from '../warehouses/warehouses.input.ts';
import * as tasks from './count-tasks.service.ts';
import { parseStockCsv } from './reconciliation.csv.ts';
import {
  csvBody, csvQuery, runsQuery, snapshotInput, taskCancelInput, taskCompleteInput, taskOpenInput, taskParams, tasksQuery,
} from './reconciliation.input.ts';
import * as reconciliation from './reconciliation.service.ts';


/** What the snapshot routes ask of the flow that asks a warehouse's WMS (it spans modules); the composition root hands it in. */
export interface WmsSnapshots {
  /** Asks the warehouse's WMS what it holds and records it as a snapshot; a warehouse without a WMS link is a 409. */
  fromWms(ctx: RequestContext, warehouseCode: string): Promise<unknown>;
}

/** Stock snapshots, daily reconciliation (对账) and stock-count tasks (盘点任务). */
export function reconciliationRoutes(app: Api, wms: WmsSnapshots): void {
  app.post('/api/v1/warehouses/:code/stock-snapshots/from-wms', {
    schema: {
      tags: ['inventory'],
      summary: 'Ask the warehouse’s WMS what it holds of every SKU kept there, and record it as a snapshot to reconcile against the book',
      description: '409 WAREHOUSE_NOT_LINKED for a warehouse without a WMS link; 502 WMS_UNAVAILABLE when the WMS does not answer. The daily reconciliation asks by itself before it compares.',
      params: warehouseParams,
    },
  }, async (req, reply) => reply.code(201).send(await wms.fromWms(ctxFor(req, 'admin', 'ops'), req.params.code)));

  // Encapsulated so that the text/csv parser serves these routes only.
  app.register(async (scope: Api) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.post('/api/v1/warehouses/:code/stock-snapshots', {
      schema: { tags: ['inventory'], summary: 'Record physical stock a WMS reported, to reconcile against the book', params: warehouseParams, body: snapshotInput },
    }, async (req, reply) => {
      const { source, takenAt, lines } = req.body;
      const snapshot = await reconciliation.recordSnapshot(ctxFor(req, 'admin', 'ops'), {
        warehouseCode: req.params.code, source, takenAt: takenAt ? parseIsoInstant(takenAt) : undefined, lines,
      });
      return reply.code(201).send(snapshot);
    });

    scope.post('/api/v1/warehouses/:code/stock-snapshots.csv', {
      schema: {
        tags: ['inventory'], summary: 'Upload a stock count as CSV (sku,quantity); a bad row refuses the whole file',
        consumes: ['text/csv'], params: warehouseParams, querystring: csvQuery, body: csvBody,
      },
    }, async (req, reply) => {
      const ctx = ctxFor(req, 'admin', 'ops');
      const parsed = parseStockCsv(req.body);
      if (!parsed.ok) {
        const where = parsed.errors.map((e) => e.line).join(', ');
        throw new AppError('VALIDATION_FAILED', `the CSV has rows that are not valid, nothing was recorded; see line(s) ${where}`,
          parsed.errors.map((e) => ({ in: 'body', path: `line ${e.line}`, line: e.line, message: e.message })));
      }
      const { takenAt } = req.query;
      const snapshot = await reconciliation.recordSnapshot(ctx, {
        warehouseCode: req.params.code, source: 'csv', takenAt: takenAt ? parseIsoInstant(takenAt) : undefined, lines: parsed.lines,
      });
      return reply.code(201).send(snapshot);
    });

    scope.post('/api/v1/warehouses/:code/reconcile', {
      schema: { tags: ['inventory'], summary: 'Reconcile the warehouse now against its newest snapshot of the last 24 h', params: warehouseParams },
    }, async (req) => reconciliation.reconcileNow(ctxFor(req, 'admin', 'ops'), req.params.code));

    scope.get('/api/v1/warehouses/:code/reconciliation-runs', {
      schema: { tags: ['inventory'], summary: 'Reconciliation runs of a warehouse, newest day first', params: warehouseParams, querystring: runsQuery },
    }, async (req) => ({ items: await reconciliation.listRuns(ctxFor(req, ...readers), req.params.code, req.query.limit) }));

    scope.get('/api/v1/inventory/count-tasks', {
      schema: { tags: ['inventory'], summary: 'Stock-count tasks (盘点任务), newest first', querystring: tasksQuery },
    }, async (req) => {
      const { before, ...filter } = req.query;
      return tasks.listTasks(ctxFor(req, ...readers), { ...filter, beforeId: before });
    });

    scope.post('/api/v1/inventory/count-tasks', {
      schema: { tags: ['inventory'], summary: 'Open a stock-count task by hand', body: taskOpenInput },
    }, async (req, reply) => reply.code(201).send(await tasks.openTaskByHand(ctxFor(req, 'admin', 'ops'), req.body)));

    scope.get('/api/v1/inventory/count-tasks/:id', {
      schema: { tags: ['inventory'], summary: 'One stock-count task', params: taskParams },
    }, async (req) => tasks.getTask(ctxFor(req, ...readers), req.params.id));

    scope.post('/api/v1/inventory/count-tasks/:id/complete', {
      schema: { tags: ['inventory'], summary: 'Record the count: on-hand is set to the counted figure and the task closes', params: taskParams, body: taskCompleteInput },
    }, async (req) => tasks.completeTask(ctxFor(req, 'admin', 'ops'), req.params.id, req.body));

    scope.post('/api/v1/inventory/count-tasks/:id/cancel', {
      schema: { tags: ['inventory'], summary: 'Close a stock-count task without a count', params: taskParams, body: taskCancelInput },
    }, async (req) => tasks.cancelTask(ctxFor(req, 'admin', 'ops'), req.params.id, req.body ?? {}));
  });
}
