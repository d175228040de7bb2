import { ctxFor, stockReaders as readers, type Api } from '../../api/http.ts';
import { clearListingPause, listPauses } from './listing-pauses.service.ts';
import { channelParams, monthQuery, weeklyQuery } from './scorecard.input.ts';
import { monthOf } from './scorecard.score.ts';
import { monthReport, weeklyReport } from './scorecard.service.ts';


export function scorecardRoutes(app: Api): void {
  app.get('/api/v1/inventory/scorecards', {
    schema: {
      tags: ['inventory'],
      summary: 'Inventory health scorecard (库存健康评分) per platform for a month: accurate days, oversells, score, days, listing pause',
      querystring: monthQuery,
    },
  }, async (req) => {
    const ctx = ctxFor(req, ...readers);
    return monthReport(ctx, req.query.month ?? monthOf(ctx.clock.now()));
  });

  app.get('/api/v1/inventory/scorecards/weekly', {
    schema: { tags: ['inventory'], summary: 'Weekly inventory health scores per platform (ISO weeks in Asia/Shanghai), the running week last', querystring: weeklyQuery },
  }, async (req) => weeklyReport(ctxFor(req, ...readers), req.query));

  app.get('/api/v1/inventory/listing-pauses', {
    schema: { tags: ['inventory'], summary: 'Platforms whose new listings are or were paused (暂停上新)' },
  }, async (req) => ({ items: await listPauses(ctxFor(req, ...readers)) }));

  app.post('/api/v1/inventory/listing-pauses/:channel/clear', {
    schema: { tags: ['inventory'], summary: 'Clear a platform’s listing pause; the same two weeks will not pause it again', params: channelParams },
  }, async (req) => clearListingPause(ctxFor(req, 'admin'), req.params.channel));
}
