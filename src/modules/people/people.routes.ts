import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { roles } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { text } from '../../platform/validation.ts';
import { createGroup, listGroups, setMembers } from './groups.service.ts';
import { createPerson, directory, findPerson, listPeople, updatePerson } from './people.service.ts';
import { password } from './people.input.ts';
import { issueLoginLink } from './sessions.service.ts';

const groupCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, - and _, at most 32');
const groupBody = z
  .object({ code: groupCode, name: text(100) })
  .strict()
  .meta({ examples: [{ code: 'VIP', name: 'VIP 专席' }] });
const membersBody = z
  .object({ members: z.array(z.string().min(1).max(64)).max(500).describe('person ids') })
  .strict()
  .meta({ examples: [{ members: ['01JD3Q5W8ZK2V1N6M4T7R9X0AB'] }] });

const loginName = z.string().trim().regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'letters, digits, . _ @ and -, at most 64');
const personBody = z
  .object({ login: loginName, displayName: text(100), role: z.enum(roles), password: password.optional() })
  .strict()
  .meta({ examples: [{ login: 'wang.fang', displayName: '王芳', role: 'ops', password: 'a long passphrase' }] });
const personPatch = z
  .object({ displayName: text(100).optional(), role: z.enum(roles).optional(), password: password.optional(), disabled: z.boolean().optional() })
  .strict()
  .meta({ examples: [{ role: 'supervisor' }] });
const idParams = z.object({ id: z.string().min(1).max(64) });

export function peopleRoutes(app: Api): void {
  app.get('/api/v1/groups', {
    schema: { tags: ['people'], summary: 'Handling groups (处理组): where rules send orders, with their members (person ids)' },
  }, async (req) => ({ items: await listGroups(ctxFor(req, ...allRoles)) }));

  app.post('/api/v1/groups', {
    schema: { tags: ['people'], summary: 'Make a handling group', body: groupBody },
  }, async (req, reply) => reply.code(201).send(await createGroup(ctxFor(req, 'admin'), req.body)));

  app.put('/api/v1/groups/:code/members', {
    schema: { tags: ['people'], summary: 'Set who works in a handling group', params: z.object({ code: groupCode }), body: membersBody },
  }, async (req) => setMembers(ctxFor(req, 'admin', 'supervisor'), req.params.code, req.body.members));

  app.get('/api/v1/people', {
    schema: { tags: ['people'], summary: 'People who sign in to the console, with their roles and groups' },
  }, async (req) => ({ items: await listPeople(ctxFor(req, 'admin', 'supervisor')) }));

  app.get('/api/v1/people/directory', {
    schema: { tags: ['people'], summary: 'Names of the tenant\'s people by id, for showing who did what (every role; no logins or roles)' },
  }, async (req) => ({ items: await directory(ctxFor(req, ...allRoles)) }));

  app.post('/api/v1/people', {
    schema: { tags: ['people'], summary: 'Add a person; without a password they sign in by a login link (POST /api/v1/people/{id}/login-link)', body: personBody },
  }, async (req, reply) => reply.code(201).send(await createPerson(ctxFor(req, 'admin'), req.body)));

  app.patch('/api/v1/people/:id', {
    schema: { tags: ['people'], summary: 'Change a person: name, role, password, or disable them (ends their sessions)', params: idParams, body: personPatch },
  }, async (req) => updatePerson(ctxFor(req, 'admin'), req.params.id, req.body));

  app.post('/api/v1/people/:id/login-link', {
    schema: { tags: ['people'], summary: 'A one-time login link for a person, valid 24 hours: open it to sign in', params: idParams },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin');
    const person = await findPerson(ctx, req.params.id);
    if (!person || person.disabledAt) throw new AppError('PERSON_NOT_FOUND', `person ${req.params.id} not found or disabled`);
    const token = await issueLoginLink(ctx.db, person, ctx.clock.now());
    return reply.code(201).send({ path: `/auth/link?token=${token}` });
  });
}
