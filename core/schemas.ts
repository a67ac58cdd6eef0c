/**
 * The domain, as zod schemas: every type in the core comes from here.
 * English field names; docs/domain.md's glossary maps them to the Dutch terms.
 */
import * as z from 'zod';
import type { FieldProblem } from './errors';
import { isValidBsn } from './rules/bsn';
import { isValidIsoDate } from './rules/dates';

/**
 * Every problem zod found, each named by its path (`where` for the whole value); an unknown key is
 * named itself, so `?workflowStatus=failed` answers "workflowStatus: is not a parameter…".
 */
export function fieldProblems(error: z.ZodError, where: string): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: `is not a field here (unknown key "${key}")` }));
    }
    return [{ field: path || where, message: issue.message }];
  });
}

export const IsoDate = z
  .string()
  .refine(isValidIsoDate, { message: 'must be a calendar date as YYYY-MM-DD' })
  .meta({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _');

/** ZRM life domains (leefgebieden), in the report's order. */
export const DOMAINS = [
  'finances',
  'workEducation',
  'housing',
  'socialNetwork',
  'participation',
  'mentalHealth',
  'physicalHealth',
] as const;
export const DomainKey = z.enum(DOMAINS);
export type DomainKey = z.infer<typeof DomainKey>;

/** ZRM level (trede): 1 acute problems … 5 fully self-sufficient. */
export const Level = z.number().int().min(1).max(5);
export type Level = z.infer<typeof Level>;

/** Score per domain; null means "not discussed". A domain may be left out. */
export const Scores = z
  .partialRecord(DomainKey, Level.nullable())
  .refine((s) => Object.keys(s).length > 0, { message: 'must score at least one domain' });
export type Scores = z.infer<typeof Scores>;

export const ScoredBy = z.enum(['client', 'regisseur', 'together']);
export const MeasurementKind = z.enum(['baseline', 'interim', 'final']);
export type MeasurementKind = z.infer<typeof MeasurementKind>;

export const Location = z.enum(['home', 'library', 'community_centre', 'municipality', 'other']);

export const Role = z.enum(['regisseur', 'beheerder', 'gemeente']);
export type Role = z.infer<typeof Role>;

export const Phase = z.enum(['kennismaking', 'pop', 'begeleiding', 'afronding', 'overdracht', 'closed']);
export type Phase = z.infer<typeof Phase>;

export const TaskType = z.enum(['KENNISMAKING', 'POP', 'CONTACT', 'AFRONDING', 'ACKNOWLEDGE']);
export type TaskType = z.infer<typeof TaskType>;

export const Decision = z.enum(['close', 'handover']);
export type Decision = z.infer<typeof Decision>;

// ---------- Client ----------

const Text = (max: number) => z.string().trim().min(1).max(max);

export const Address = z.strictObject({
  street: Text(120).optional(),
  houseNumber: Text(20).optional(),
  postalCode: z
    .string()
    .regex(/^\d{4} ?[A-Za-z]{2}$/, 'must be a Dutch postal code like 6511 AB')
    .optional(),
  city: Text(80).optional(),
});

export const NewClient = z.strictObject({
  firstName: Text(100),
  lastName: Text(100),
  birthDate: IsoDate,
  settledOn: IsoDate.describe('Vestigingsdatum: the date the client settled in the municipality'),
  bsn: z
    .string()
    .refine(isValidBsn, { message: 'is not a valid BSN (elfproef)' })
    .optional(),
  gender: z.enum(['female', 'male', 'other']).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number')
    .optional(),
  email: z.email().max(254).optional(),
  address: Address.optional(),
  householdId: Id.optional(),
  preferredLanguage: Text(50).optional().describe('The language the client prefers to be spoken to in, e.g. Arabisch, Tigrinya'),
  interpreterNeeded: z.boolean().optional().describe('An interpreter is needed in meetings'),
});
export type NewClient = z.infer<typeof NewClient>;

export const Client = NewClient.extend({
  clientId: Id,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string().optional(),
  /** Every change is saved conditional on it (a client registered before versions had none: 0). */
  version: z.number().int().min(1).optional(),
});
export type Client = z.infer<typeof Client>;

/**
 * A change to a client (PATCH /clients/{id}): only the fields named change; null removes one.
 * Adding a BSN later is the beheerder's or the client's regisseur's; changing or removing a
 * recorded BSN is a correction for the beheerder. The household is set with PUT /clients/{id}/household.
 */
export const ClientChange = z
  .strictObject({
    phone: NewClient.shape.phone.unwrap().nullable().optional(),
    email: NewClient.shape.email.unwrap().nullable().optional(),
    address: Address.nullable().optional(),
    preferredLanguage: Text(50).nullable().optional(),
    interpreterNeeded: z.boolean().nullable().optional(),
    bsn: NewClient.shape.bsn.unwrap().nullable().optional(),
    expectedVersion: z.number().int().min(0).optional().describe("Change only if the client's version is still this one (else 409)"),
  })
  .refine((c) => Object.keys(c).some((k) => k !== 'expectedVersion'), { message: 'must change at least one field' });
export type ClientChange = z.infer<typeof ClientChange>;

export const HouseholdChange = z.strictObject({
  householdId: Id.nullable().describe("The household the client belongs to (another member's householdId, or a new id); null: none"),
});

/** Legal deadlines of a client (core/usecases/deadlines.ts); reminders 3 and 1 months before follow from `date`. */
export const DeadlineKind = z.enum(['residence_permit_expiry', 'inburgering_term_end', 'exemption_window', 'other']);
export type DeadlineKind = z.infer<typeof DeadlineKind>;

export const NewDeadline = z
  .strictObject({
    kind: DeadlineKind,
    label: Text(100).optional().describe('What the deadline is; required for kind "other"'),
    date: IsoDate,
    note: Text(500).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.kind === 'other' && !d.label) ctx.addIssue({ code: 'custom', path: ['label'], message: 'is required for kind "other"' });
  });
export type NewDeadline = z.infer<typeof NewDeadline>;

export const Deadline = z.object({
  deadlineId: Id,
  clientId: Id,
  kind: DeadlineKind,
  label: z.string().optional(),
  date: IsoDate,
  note: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** Dealt with (the permit renewed, the term met) or no longer relevant: no more reminders. */
  resolvedAt: z.string().optional(),
  /** The next reminder moment (core/notifications/schedule.ts), while one is to come: the tick's sparse index. */
  remindAt: z.string().optional(),
  resolvedBy: z.string().optional(),
  version: z.number().int().min(1),
});
export type Deadline = z.infer<typeof Deadline>;

// ---------- Records of a trajectory ----------

export const Measurement = z.object({
  measurementId: Id,
  trajectoryId: Id,
  measuredOn: IsoDate,
  kind: MeasurementKind,
  scores: Scores,
  scoredBy: ScoredBy.optional(),
  /** The six-monthly interim round this measurement holds (1, 2, …); absent for an extra one. */
  round: z.number().int().min(1).optional(),
  taskId: Id.optional(),
  recordedBy: z.string(),
});
export type Measurement = z.infer<typeof Measurement>;

export const Contact = z.object({
  contactId: Id,
  trajectoryId: Id,
  heldOn: IsoDate,
  location: Location,
  taskType: TaskType,
  taskId: Id,
  /** A ZRM round was asked for in this contact but not held: why (it moves to the next contact). */
  zrmSkipped: z.object({ reason: z.string() }).optional(),
  recordedBy: z.string(),
  /** An extra contact, held between the planned ones (POST /trajectories/{id}/contacts); taskId is the task open then. */
  extra: z.literal(true).optional(),
});
export type Contact = z.infer<typeof Contact>;

/** Why a planned contact did not take place. */
export const MissedContactReason = z.enum(['no_show', 'unreachable', 'cancelled', 'other']);

/** A planned contact that did not take place: its task stays open and is due again later (docs/domain.md, "Changes to the plan"). */
export const MissedContact = z.object({
  on: IsoDate,
  reason: MissedContactReason,
  note: z.string().optional(),
  taskId: Id,
  recordedBy: z.string(),
  recordedAt: z.string(),
});
export type MissedContact = z.infer<typeof MissedContact>;

export const GoalArea = z.union([DomainKey, z.literal('inburgering')]);

export const Goal = z.strictObject({
  domain: GoalArea,
  currentSituation: Text(500).optional(),
  desiredSituation: Text(500).optional(),
  action: Text(500).optional(),
  targetDate: IsoDate.optional().describe('When the short-term goal should be reached'),
  longTermGoal: Text(500).optional().describe('The long-term wish in this area'),
  shortTermGoal: Text(500).optional().describe('The concrete goal for the coming months'),
});

export const PopVersion = z.object({
  trajectoryId: Id,
  version: z.number().int().min(1),
  agreedOn: IsoDate,
  goals: z.array(Goal),
  ideas: z.string().optional(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  /** How the version came about: the POP task (absent on older versions), a revision, or a review with new goals. */
  origin: z.enum(['pop', 'revision', 'review']).optional(),
  /** The review that made this version. */
  reviewId: Id.optional(),
});
export type PopVersion = z.infer<typeof PopVersion>;

/** A new version of the whole POP (PUT /trajectories/{id}/pop), from the begeleiding on. */
export const PopRevision = z.strictObject({
  agreedOn: IsoDate.describe('The day the client and the regisseur agreed this version'),
  goals: z.array(Goal).max(20),
  ideas: Text(1000).optional().describe('Ideas not yet concrete'),
  basedOnVersion: z.number().int().min(1).optional().describe('Revise only if this is still the current version (else 409)'),
});
export type PopRevision = z.infer<typeof PopRevision>;

/** A follow-up of the POP (POST /trajectories/{id}/pop/reviews); new goals make a new version. */
export const PopReviewInput = z.strictObject({
  heldOn: IsoDate,
  location: Location,
  achieved: Text(500).optional().describe('What was achieved'),
  changes: Text(500).optional().describe('What changes'),
  newGoals: z.array(Goal).max(20).optional().describe('Goals added to the plan: a new POP version'),
});
export type PopReviewInput = z.infer<typeof PopReviewInput>;

export const PopReview = z.object({
  reviewId: Id,
  heldOn: IsoDate,
  location: Location,
  achieved: z.string().optional(),
  changes: z.string().optional(),
  newGoals: z.array(Goal).optional(),
  /** The POP version in force after the review (a new one when it added goals). */
  popVersion: z.number().int().min(1),
  recordedBy: z.string(),
  recordedAt: z.string(),
});
export type PopReview = z.infer<typeof PopReview>;

// ---------- Task completion bodies ----------

/** Only the scores are mandatory (the Dutch DPA's 2018 finding on Nijmegen's ZRM use). */
export const MeasurementInput = z.strictObject({ scores: Scores, scoredBy: ScoredBy.optional() });

const Reason = Text(500);

export const CompleteKennismaking = z.strictObject({
  heldOn: IsoDate,
  location: Location,
  firstContactVia: z.enum(['direct', 'trusted_person', 'on_location']).optional(),
});
export const CompletePop = z.strictObject({
  agreedOn: IsoDate,
  location: Location.describe('Where the POP meeting was held'),
  goals: z.array(Goal).max(20),
  ideas: Text(1000).optional(),
  baseline: MeasurementInput,
});
export const CompleteContact = z.strictObject({
  heldOn: IsoDate,
  location: Location,
  zrm: MeasurementInput.optional(),
  zrmSkipped: z
    .strictObject({ reason: Reason })
    .optional()
    .describe('A ZRM round asked for (zrmDue) but not held: why; the round moves to the next contact'),
});
export const CompleteAfronding = z.strictObject({
  final: MeasurementInput.extend({ measuredOn: IsoDate }),
  decision: Decision,
  reason: Reason.optional().describe("Why the decision differs from the system's proposal; required when it does"),
  consent: z.boolean().optional().describe('The client consents to the handover; required for decision "handover"'),
});

export const WithdrawalReason = z.enum(['moved_away', 'declined', 'deceased', 'other']);
export const Withdrawal = z.strictObject({
  on: IsoDate,
  reason: WithdrawalReason,
  note: Text(500).optional(),
});
export type Withdrawal = z.infer<typeof Withdrawal>;

/** Changes to the plan (docs/domain.md, "Changes to the plan"): a missed contact, an extra contact, a rescheduled task. */
export const MissedContactInput = z.strictObject({
  on: IsoDate.describe('The day the contact was to take place and did not'),
  reason: MissedContactReason,
  note: Text(500).optional(),
});
export const ExtraContactInput = z.strictObject({
  heldOn: IsoDate,
  location: Location,
  zrm: MeasurementInput.optional().describe('Scores measured in this contact: an extra measurement, not a six-monthly round'),
});
export const RescheduleInput = z.strictObject({
  dueAt: IsoDate.describe('The new due date: not before today; a contact before the afronding is due'),
  reason: Reason,
});

export const AfrondingRequest = z.strictObject({
  reason: Reason.describe('Why the afronding comes early: the client is self-sufficient, the programme ends early, …'),
});

export const COMPLETION_SCHEMAS = {
  KENNISMAKING: CompleteKennismaking,
  POP: CompletePop,
  CONTACT: CompleteContact,
  AFRONDING: CompleteAfronding,
} as const;
export type Completion =
  | { type: 'KENNISMAKING'; body: z.infer<typeof CompleteKennismaking> }
  | { type: 'POP'; body: z.infer<typeof CompletePop> }
  | { type: 'CONTACT'; body: z.infer<typeof CompleteContact> }
  | { type: 'AFRONDING'; body: z.infer<typeof CompleteAfronding> };

// ---------- Trajectory and task ----------

export const Outcome = z.object({
  successful: z.boolean(),
  improvedDomains: z.array(DomainKey),
  handedOver: z.boolean(),
  /** completed: through the afronding; withdrawn: counted apart, outside the 80% target. */
  reason: z.enum(['completed', 'withdrawn']),
  closedOn: IsoDate,
  withdrawal: Withdrawal.optional(),
});
export type Outcome = z.infer<typeof Outcome>;

export const WorkflowState = z.object({
  status: z.enum(['running', 'failed', 'done']),
  executionName: z.string(),
  segment: z.number().int().min(0),
  /** When the execution waiting on the trajectory started: its budget, so a completion can plan the next wait. */
  startedAt: z.string().optional(),
  error: z.string().optional(),
});

export const Task = z.object({
  taskId: Id,
  trajectoryId: Id,
  clientId: Id,
  type: TaskType,
  assigneeRole: Role,
  assigneeId: z.string(),
  dueAt: IsoDate,
  /** The Dutch calendar date on which the task is escalated if still open (core/trajectory/deadlines.ts). */
  escalateOn: IsoDate,
  zrmDue: z.boolean(),
  status: z.enum(['open', 'completed', 'cancelled']),
  openedAt: z.string(),
  completedAt: z.string().optional(),
  completedBy: z.string().optional(),
  escalatedAt: z.string().optional(),
  handoverId: Id.optional(),
  executionName: z.string(),
  result: z
    .object({ taskId: Id, type: TaskType, decision: Decision.optional() })
    .optional(),
  /**
   * The workflow's callback token; never returned by the API. A task opened by the completion
   * before it has none until the waiting execution registers it (moments later).
   */
  token: z.string().optional(),
});
export type Task = z.infer<typeof Task>;

export const Trajectory = z.object({
  trajectoryId: Id,
  clientId: Id,
  regisseurId: z.string(),
  phase: Phase,
  status: z.enum(['active', 'closed']),
  workflow: WorkflowState,
  settledOn: IsoDate,
  /** The Dutch calendar day the trajectory started. */
  startedOn: IsoDate,
  kennismakingOn: IsoDate.optional(),
  popAgreedOn: IsoDate.optional(),
  lastContactOn: IsoDate.optional(),
  lastZrmOn: IsoDate.optional(),
  intervalMonths: z.number().int().min(1).max(12).optional(),
  afrondingRequestedOn: IsoDate.optional(),
  afrondingReason: z.string().optional(),
  /** The one open workflow task, if any; it carries the due-index keys in the store. */
  openTask: Task.optional(),
  /** Completed and cancelled tasks, oldest first (without the token and the execution that waited). */
  closedTasks: z.array(Task.omit({ token: true, executionName: true })),
  nextTaskSeq: z.number().int().min(1),
  contacts: z.array(Contact),
  measurements: z.array(Measurement),
  popVersions: z.array(PopVersion),
  /** Planned contacts that did not take place, oldest first (absent until the first). */
  missedContacts: z.array(MissedContact).optional(),
  /** Follow-ups of the POP, oldest first (absent until the first). */
  popReviews: z.array(PopReview).optional(),
  decision: Decision.optional(),
  proposal: Decision.optional(),
  /** Why the regisseur decided against the proposal. */
  decisionReason: z.string().optional(),
  handoverId: Id.optional(),
  firstContactVia: z.enum(['direct', 'trusted_person', 'on_location']).optional(),
  outcome: Outcome.optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  version: z.number().int().min(1),
});
export type Trajectory = z.infer<typeof Trajectory>;

export const Handover = z.object({
  handoverId: Id,
  trajectoryId: Id,
  clientId: Id,
  regisseurId: z.string(),
  createdAt: z.string(),
  consent: z.object({ given: z.literal(true), recordedOn: IsoDate, recordedBy: z.string() }),
  dossier: z.object({
    client: Client,
    phaseHistory: z.object({
      kennismakingOn: IsoDate.optional(),
      popAgreedOn: IsoDate.optional(),
      lastContactOn: IsoDate.optional(),
    }),
    pop: PopVersion.optional(),
    measurements: z.array(Measurement),
    contacts: z.array(Contact),
    proposal: Decision.optional(),
  }),
  deliveredAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  /** The trajectory was withdrawn before the municipality acknowledged: the handover is void. */
  withdrawnAt: z.string().optional(),
});
export type Handover = z.infer<typeof Handover>;

export const Escalation = z.object({
  escalationId: Id,
  kind: z.enum(['escalation']),
  recipientRole: Role,
  recipientId: z.string().optional(),
  trajectoryId: Id,
  taskId: Id,
  createdAt: z.string(),
  message: z.string(),
  /** Set when the task it is about is completed, cancelled or withdrawn. */
  resolvedAt: z.string().optional(),
});
export type Escalation = z.infer<typeof Escalation>;

export const AuditEntry = z.object({
  clientId: Id,
  at: z.string(),
  actorId: z.string(),
  /** system: the workflow itself, e.g. delivering a handover dossier. */
  actorRole: z.union([Role, z.literal('system')]),
  action: z.enum(['create', 'read', 'update', 'handover']),
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * One read of a list (the worklist, all clients): one entry naming every client shown, instead
 * of one entry per client (docs/domain.md, Privacy). The client's audit shows it as a read.
 */
export interface ListRead {
  at: string;
  actorId: string;
  actorRole: Role;
  detail: string;
  clientIds: string[];
}

// ---------- Signals (§10, §7.4) ----------

/** The themes of the report's signals (the Griftdijk cluster). */
export const SignalTheme = z.enum(['inburgering', 'education', 'finances', 'social_integration_health', 'housing']);
export const SignalNature = z.enum(['personal', 'structural']);

/** A signal as a regisseur or beheerder records it: about the chain, never naming the client. */
export const NewSignal = z.strictObject({
  theme: SignalTheme,
  nature: SignalNature,
  partner: z.string().trim().min(1).max(120).describe('The chain partner concerned (Werkbedrijf, a language provider, a housing corporation, …)'),
  description: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .describe('The barrier or success factor; it must not name the client or hold other personal data'),
  advice: z.string().trim().min(1).max(500).describe('What the regisseur advises'),
  trajectoryId: Id.optional().describe('The trajectory where it was met (its regisseur or a beheerder only)'),
});
export type NewSignal = z.infer<typeof NewSignal>;

export const Signal = NewSignal.extend({
  signalId: Id,
  createdAt: z.string(),
  createdBy: z.string(),
  createdByRole: Role,
});
export type Signal = z.infer<typeof Signal>;

/** Who is calling, from a verified token. */
export interface Actor {
  userId: string;
  role: Role;
}

// ---------- People ----------

/** How a user wants e-mail: each notification at once, one daily digest, or none (the in-app inbox always). */
export const EmailPreference = z.enum(['each', 'digest', 'none']);
export const Preferences = z.strictObject({
  email: EmailPreference,
  /** The hour (Amsterdam time, 0–23) of the daily digest. */
  digestHour: z.number().int().min(0).max(23),
});
export type Preferences = z.infer<typeof Preferences>;
export const DEFAULT_PREFERENCES: Preferences = { email: 'each', digestHour: 7 };

/** The directory of the people who use the system (on AWS each is a Cognito user in the group of their role). */
export const NewUser = z.strictObject({
  userId: Id,
  displayName: Text(100),
  email: z.email().max(254),
  role: Role,
  /** In the pilot: VWON, Bindkracht10, Bureau Wijland; the municipality for its own people. */
  organisation: Text(100).optional(),
});
export type NewUser = z.infer<typeof NewUser>;

export const UserChange = z
  .strictObject({
    displayName: Text(100).optional(),
    email: z.email().max(254).optional(),
    organisation: Text(100).nullable().optional().describe('null removes it'),
    active: z.boolean().optional().describe('false: the user can no longer sign in or be assigned'),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'must change at least one field' });
export type UserChange = z.infer<typeof UserChange>;

export const User = NewUser.extend({
  active: z.boolean(),
  preferences: Preferences,
  /** sha256 of the calendar feed's secret key; the key itself is shown once, when made. */
  calendarKeyHash: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(1),
});
export type User = z.infer<typeof User>;

// ---------- Notifications to users ----------

/**
 * What a user is told (core/notifications/schedule.ts says when):
 * - reminder: 7 days before a task's due date; due: on it; overdue: every 7 days while it stays open
 *   (to the task's assignee);
 * - escalation: at the task's escalation moment (to every beheerder);
 * - handover_unacknowledged: a handover not acknowledged after 7 days (to the municipality's users);
 * - missed_contacts: a contact missed several times in a row (to every beheerder; occurrence = how many);
 * - legal_deadline: a client's legal deadline comes closer, 3 months and 1 month before (to the
 *   regisseur of the client's active trajectory; occurrence 1 and 2).
 */
export const NotificationKind = z.enum(['reminder', 'due', 'overdue', 'escalation', 'handover_unacknowledged', 'missed_contacts', 'legal_deadline']);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** The outbox side of a notification: how and whether its e-mail went out. */
export const Delivery = z.object({
  /** each: its own mail; digest: in the recipient's daily digest; none: the inbox only. */
  channel: z.enum(['each', 'digest', 'none']),
  /** failed: every retry failed (the beheerders see it, and an alarm fires on AWS). */
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  attempts: z.number().int().min(0),
  /** When the sender tries (again): the moment it was recorded, the digest hour, or after a backoff. */
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  sentAt: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/** One notification to one user: recorded once per (task, kind, occurrence, recipient), sent once. */
export const Notification = z.object({
  notificationId: z.string(),
  kind: NotificationKind,
  /** 1, or the n-th overdue reminder. */
  occurrence: z.number().int().min(1),
  recipientRole: Role,
  recipientId: z.string(),
  trajectoryId: Id,
  clientId: Id,
  /** The task it is about; for a legal deadline, the deadline's id. */
  taskId: Id,
  /** The task's type; absent for a legal deadline. */
  taskType: TaskType.optional(),
  /** A legal deadline's reminder: which deadline (its date is `dueAt`). */
  deadline: z.object({ deadlineId: Id, kind: z.string(), label: z.string().optional() }).optional(),
  dueAt: IsoDate,
  /** The moment it fell due by the rule. */
  moment: z.string(),
  createdAt: z.string(),
  readAt: z.string().optional(),
  delivery: Delivery,
});
export type Notification = z.infer<typeof Notification>;
