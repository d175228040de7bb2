import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { routingSettingsFor, routingSettingsPatch, updateRoutingSettings } from './routing.settings.ts';

export function routingRoutes(app: Api): void {
  app.get('/api/v1/routing/settings', { schema: { tags: ['routing'], summary: 'How orders are routed to warehouses: strategy, per-channel strategies, splits' } }, async (req) =>
    routingSettingsFor(ctxFor(req, ...allRoles)),
  );

  app.patch('/api/v1/routing/settings', {
    schema: { tags: ['routing'], summary: 'Change the routing strategy (per tenant or channel) and whether orders may be split', body: routingSettingsPatch },
  }, async (req) => updateRoutingSettings(ctxFor(req, 'admin'), req.body));
}
