import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { AppError } from '../../platform/errors.ts';
import { acknowledgeAlertsAbout } from '../fulfillment/alerts.service.ts';
import { orderIdParams } from '../orders/orders.input.ts';
import { requireOrder } from '../orders/orders.service.ts';
import { localDate, calendarCreate, calendarImport, calendarParams, calendarPatch, country, daysPut, region, yearQuery } from './time.input.ts';
import { packCountries, packOf, zoneAskedFor } from './time.regions.ts';
import * as time from './time.service.ts';

const dayParams = calendarParams.extend({ date: localDate });

export function timeRoutes(app: Api): void {
  app.get('/api/v1/orders/:id/time-conversions', {
    schema: {
      tags: ['time'],
      summary: 'Every time conversion an order went through: its channel\'s times read in, its times written for each WMS',
      description: 'Each names the source value and zone, the UTC instant, and the target zone and the value written there.',
      params: orderIdParams,
    },
  }, async (req) => {
    const ctx = ctxFor(req, ...allRoles);
    await requireOrder(ctx, req.params.id);
    return { items: await time.conversionsOf(ctx, req.params.id) };
  });

  app.get('/api/v1/regions', {
    schema: { tags: ['time'], summary: 'The region packs: each country\'s zone, currency and its exponent, language, default carrier cut-off, and subdivision zones' },
  }, async (req) => {
    ctxFor(req, ...allRoles);
    return { items: packCountries.map((c) => packOf(c)!) };
  });

  app.get('/api/v1/regions/zone', {
    schema: { tags: ['time'], summary: 'The IANA zone the packs give a country and region (ISO 3166-1 alpha-2, ISO 3166-2)', querystring: z.object({ country, region: region.optional() }) },
  }, async (req) => {
    ctxFor(req, ...allRoles);
    const zone = zoneAskedFor(req.query.country, req.query.region);
    if (!zone) throw new AppError('REGION_UNKNOWN', req.query.region ? `${req.query.region} is not a region the ${req.query.country} pack can place` : `no region pack for country ${req.query.country}`, [{ path: req.query.region ? 'region' : 'country', message: 'unknown' }]);
    return { country: req.query.country, region: req.query.region ?? null, timeZone: zone };
  });

  app.get('/api/v1/calendars', { schema: { tags: ['time'], summary: 'Business calendars, with this year\'s holidays and make-up working days' } }, async (req) =>
    time.listCalendars(ctxFor(req, ...allRoles)));

  app.post('/api/v1/calendars', {
    schema: { tags: ['time'], summary: 'Add a business calendar: weekly hours, and the official holidays and 调休 of its country', body: calendarCreate },
  }, async (req, reply) => reply.code(201).send(await time.createCalendar(ctxFor(req, 'admin'), req.body)));

  app.get('/api/v1/calendars/:code', {
    schema: { tags: ['time'], summary: 'A calendar\'s year: holidays, make-up working days and days set by hand, and whether official data for the year is held', params: calendarParams, querystring: yearQuery },
  }, async (req) => time.calendarYear(ctxFor(req, ...allRoles), req.params.code, req.query.year));

  app.patch('/api/v1/calendars/:code', {
    schema: { tags: ['time'], summary: 'Change a calendar\'s name, region, zone, weekly hours, or whether official holidays count', params: calendarParams, body: calendarPatch },
  }, async (req) => time.updateCalendar(ctxFor(req, 'admin'), req.params.code, req.body));

  app.put('/api/v1/calendars/:code/days', {
    schema: { tags: ['time'], summary: 'Set days by hand: holidays, and working days (make-up days, extra shifts) with their own hours', params: calendarParams, body: daysPut },
  }, async (req) => time.setDays(ctxFor(req, 'admin', 'ops'), req.params.code, req.body.days));

  app.delete('/api/v1/calendars/:code/days/:date', {
    schema: { tags: ['time'], summary: 'Remove a day set by hand or imported: the official data and weekly hours count for it again', params: dayParams },
  }, async (req) => time.removeDays(ctxFor(req, 'admin', 'ops'), req.params.code, [req.params.date]));

  app.post('/api/v1/calendars/:code/import', {
    schema: {
      tags: ['time'],
      summary: 'Import holidays and make-up working days from an iCalendar (.ics) or a holiday-cn JSON file',
      description: 'The days replace those of the same dates. A holiday-cn file (or an import given `year`) marks its year as announced, which settles a missing-official-data alert.',
      params: calendarParams,
      body: calendarImport,
    },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin');
    const view = await time.importCalendar(ctx, req.params.code, req.body);
    // A year the file announced is known now: the alert that said it was missing is settled.
    if (view.importedYears.includes(view.year)) await acknowledgeAlertsAbout(ctx, `calendar:${req.params.code}:${view.year}`);
    return view;
  });
}
