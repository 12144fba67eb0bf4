import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actor, requireAuth } from '../../app.ts';
import { notFound } from '../../errors.ts';
import { ErrorBody, IdParams, Ok } from '../../../shared/schemas/common.ts';
import {
  AssigneesQuery, AssigneeView, CaseWorkerView, CreateTaskBody, MyTasksQuery, OverdueView, ReassignCaseBody, ReassignTaskBody, ReminderView, TaskParams, TaskView,
} from '../../../shared/schemas/tasks.ts';
import { mailSettings } from '../../mail/outbox.ts';
import * as reassign from './reassign.ts';
import * as tasks from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['tasks'];

export const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.post('/cases/:id/tasks', {
    schema: { tags, summary: 'Add a task with a due time to the case (owning agency)', params: IdParams, body: CreateTaskBody, response: { 201: TaskView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await tasks.createTask(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/cases/:id/tasks/:taskId/complete', {
    schema: { tags, summary: 'Mark a task done', params: TaskParams, response: { 200: TaskView, ...errors } },
  }, async (req) => tasks.completeTask(db, who(req), actor(req), req.params.id, req.params.taskId));

  app.post('/cases/:id/tasks/:taskId/reassign', {
    schema: { tags, summary: 'Give an open task to another active user of the agency that owns the case (its supervisors); the new assignee is reminded', params: TaskParams, body: ReassignTaskBody, response: { 200: TaskView, ...errors } },
  }, async (req) => reassign.reassignTask(db, who(req), actor(req), req.params.id, req.params.taskId, req.body, mailSettings(app.deps.config)));

  app.post('/cases/:id/reassign', {
    schema: { tags, summary: 'Make another user of the owning agency who works cases the case worker responsible (its supervisors); the new case worker is reminded', params: IdParams, body: ReassignCaseBody, response: { 200: CaseWorkerView, ...errors } },
  }, async (req) => reassign.reassignCaseWorker(db, who(req), actor(req), req.params.id, req.body, mailSettings(app.deps.config)));

  app.get('/oversight/assignees', {
    schema: { tags, summary: 'Who a supervisor may give work to: active users of their own agency who can take a task (`for=task`) or be a case worker (`for=case_worker`)', querystring: AssigneesQuery, response: { 200: z.object({ items: z.array(AssigneeView) }), ...errors } },
  }, async (req) => ({ items: await reassign.assignees(db, who(req), req.query.for) }));

  app.get('/tasks', {
    schema: { tags, summary: 'Your open tasks, soonest first or (`sort=-due`) latest first (overdue ones marked)', querystring: MyTasksQuery, response: { 200: z.object({ items: z.array(TaskView) }), ...errors } },
  }, async (req) => ({ items: await tasks.myTasks(db, who(req), req.query.overdue ?? false, req.query.sort) }));

  app.get('/oversight/overdue', {
    schema: { tags, summary: 'Overdue tasks, referral answers and reasonable-grounds decisions across the agencies you oversee (supervisors: your agency; coordinators: all)', response: { 200: OverdueView, ...errors } },
  }, async (req) => tasks.overdue(db, who(req)));

  app.get('/reminders', {
    schema: { tags, summary: 'Your reminders and your agency\'s, newest first', response: { 200: z.object({ items: z.array(ReminderView) }), ...errors } },
  }, async (req) => ({ items: await tasks.myReminders(db, who(req)) }));

  app.post('/reminders/:id/read', {
    schema: { tags, summary: 'Mark a reminder read', params: IdParams, response: { 200: Ok, ...errors } },
  }, async (req) => {
    const p = who(req);
    const r = await db
      .updateTable('reminders')
      .set({ readAt: new Date() })
      .where('id', '=', req.params.id)
      .where((eb) => eb.or([eb('userId', '=', p.userId), eb('agencyId', '=', p.agencyId)]))
      .returning('id')
      .executeTakeFirst();
    if (!r) throw notFound('Reminder');
    return { ok: true as const };
  });
};
