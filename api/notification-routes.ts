/**
 * A user's inbox (/me/notifications) and the beheerders' escalations and failed deliveries (/notifications).
 */
import * as z from 'zod';
import { Escalation, Notification, NotificationKind, TaskType } from '../core/schemas';
import { beheerNotifications, markAllRead, markRead, myNotifications, type InboxItem } from '../core/usecases/inbox';
import { trajectoryRef } from '../core/notifications/templates';
import type { AreaRoutes } from './app';
import { defineRoute, problems } from './route';


export const NotificationOut = z.object({
  notificationId: z.string(),
  kind: NotificationKind,
  occurrence: z.number().int(),
  taskId: z.string().describe('The task it is about; for a legal deadline, the deadline'),
  taskType: TaskType.optional(),
  deadline: z.object({ deadlineId: z.string(), kind: z.string(), label: z.string().optional() }).optional(),
  trajectoryId: z.string(),
  trajectoryRef: z.string().describe('The short reference mails use'),
  clientName: z.string().optional().describe("Only to the client's own regisseur"),
  dueAt: z.string(),
  moment: z.string().describe('When it fell due by the rule'),
  createdAt: z.string(),
  read: z.boolean(),
  readAt: z.string().optional(),
  email: z.object({ channel: z.enum(['each', 'digest', 'none']), status: z.enum(['pending', 'sent', 'failed', 'skipped']), sentAt: z.string().optional() }),
});

function notificationOut({ notification: n, clientName }: InboxItem): z.infer<typeof NotificationOut> {
  return {
    notificationId: n.notificationId,
    kind: n.kind,
    occurrence: n.occurrence,
    taskId: n.taskId,
    ...(n.taskType ? { taskType: n.taskType } : {}),
    ...(n.deadline ? { deadline: n.deadline } : {}),
    trajectoryId: n.trajectoryId,
    trajectoryRef: trajectoryRef(n.trajectoryId),
    ...(clientName ? { clientName } : {}),
    dueAt: n.dueAt,
    moment: n.moment,
    createdAt: n.createdAt,
    read: n.readAt !== undefined,
    ...(n.readAt ? { readAt: n.readAt } : {}),
    email: { channel: n.delivery.channel, status: n.delivery.status, ...(n.delivery.sentAt ? { sentAt: n.delivery.sentAt } : {}) },
  };
}

const NotificationIdParam = z.object({ notificationId: z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, 'must be a notification id') });

export const myNotificationsRoute = defineRoute({
  method: 'get',
  path: '/me/notifications',
  tags: ['notifications'],
  summary: 'My notifications, unread first, newest first within each (paginated)',
  query: z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(2000).optional().describe('From the previous page'),
  }),
  responses: {
    200: { description: 'A page', schema: z.object({ notifications: z.array(NotificationOut), cursor: z.string().optional() }) },
    ...problems(400, 401),
  },
});

export const markReadRoute = defineRoute({
  method: 'post',
  path: '/me/notifications/{notificationId}/read',
  tags: ['notifications'],
  summary: 'Mark one of my notifications read',
  params: NotificationIdParam,
  responses: { 200: { description: 'Read', schema: NotificationOut }, ...problems(401, 404) },
});

export const markAllReadRoute = defineRoute({
  method: 'post',
  path: '/me/notifications/read',
  tags: ['notifications'],
  summary: 'Mark all my notifications read',
  responses: { 200: { description: 'How many were unread', schema: z.object({ marked: z.number().int() }) }, ...problems(401) },
});

export const beheerNotificationsRoute = defineRoute({
  method: 'get',
  path: '/notifications',
  tags: ['beheer'],
  summary: 'Escalations of overdue tasks, each resolved once its task is done, and notifications whose mail failed (beheerder)',
  responses: {
    200: {
      description: 'Escalations and failed deliveries',
      schema: z.object({ notifications: z.array(Escalation.extend({ resolved: z.boolean() })), failedDeliveries: z.array(Notification) }),
    },
    ...problems(401, 403),
  },
});

export function registerNotificationRoutes({ deps, handle }: AreaRoutes): void {
  handle(myNotificationsRoute, async ({ query }, actor) => {
    const page = await myNotifications(deps, actor, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
    return { status: 200, body: { notifications: page.items.map(notificationOut), ...(page.cursor ? { cursor: page.cursor } : {}) } };
  });
  handle(markReadRoute, async ({ params }, actor) => ({
    status: 200,
    body: notificationOut({ notification: await markRead(deps, actor, params.notificationId) }),
  }));
  handle(markAllReadRoute, async (_, actor) => ({ status: 200, body: { marked: await markAllRead(deps, actor) } }));
  handle(beheerNotificationsRoute, async (_, actor) => {
    const { escalations, failedDeliveries } = await beheerNotifications(deps, actor);
    return { status: 200, body: { notifications: escalations, failedDeliveries } };
  });
}
