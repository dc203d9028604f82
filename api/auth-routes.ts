// Sign-in, the signed-in user and their own open work, users, service accounts, sign-in locks and
// API tokens (admin; a person's own tokens: anyone), and the calendar feed (joined to the route table
// in ./routes.ts). Sessions live in a signed cookie over a server-side session row
// (services/users.ts): automatic logoff after inactivity is enforced on the server; failed sign-ins
// are throttled (services/sign-in-throttle.ts).
import {
  CalendarFeedSchema,
  CreateServiceAccountBodySchema,
  CreateTokenBodySchema,
  CreateUserBodySchema,
  LiftSignInLockBodySchema,
  MeSchema,
  MyWorkSchema,
  RevokedFeedSchema,
  SignInBodySchema,
  SignInLockListSchema,
  SignInLockSchema,
  SignOutResultSchema,
  TokenCreatedSchema,
  TokenListSchema,
  TokenViewSchema,
  UserListSchema,
  UserViewSchema,
  type Me,
} from '../services/auth-schemas';
import { unauthorized } from '../services/errors';
import type { AuthUser } from '../services/users';
import type { RequestAuth, RouteInput, RouteSpec } from './routes';

/** The request's sign-in; the in-process app (no authentication) has none to offer. */
function authOf(input: RouteInput): RequestAuth {
  if (!input.auth) throw unauthorized('sign-in is not available here: call the PracticeFlow API over HTTP');
  return input.auth;
}

function userOf(input: RouteInput): AuthUser {
  const user = authOf(input).user;
  if (!user) throw unauthorized('sign in first (POST /api/session) or send Authorization: Bearer <API token>');
  return user;
}

const me = (user: AuthUser, auth: RequestAuth): Me => ({ email: user.email, role: user.role, via: user.via, idleMinutes: auth.idleMinutes });

export const authRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/api/session',
    operationId: 'signIn',
    summary: 'Sign in with email and password: sets the signed session cookie',
    description:
      'The session ends after SESSION_IDLE_MINUTES without a request (automatic logoff, 45 CFR 164.312(a)(2)(iii)), on sign-out, or when the user is disabled. ' +
      'The cookie is HttpOnly and SameSite=Strict (and Secure over HTTPS). Integrations use an API token instead (Authorization: Bearer). ' +
      'Only from the console\'s own origin, as JSON (403 otherwise). After 5 failures for one email or from one address, sign-in is locked for 1 minute, doubling with each further failure up to 15 minutes (429 with Retry-After), also for the right password; a success clears the email\'s count.',
    tag: 'auth',
    access: 'public',
    body: SignInBodySchema,
    result: { status: 200, schema: MeSchema, description: 'Signed in' },
    errors: [401, 403, 429],
    errorDescriptions: {
      401: 'Email or password is not correct, or the user is disabled',
      403: 'Not from the console: another origin, or not JSON',
      429: 'Sign-in is locked after repeated failures for this email or from this address: try again after Retry-After seconds, or ask an admin to lift the lock',
    },
    handle: async ({ users }, input) => {
      const auth = authOf(input);
      const { user, sessionToken } = await users.signIn(input.body, { address: auth.clientAddress });
      await auth.startSession(sessionToken);
      return me(user, auth);
    },
  },
  {
    method: 'post',
    path: '/api/session/logout',
    operationId: 'signOut',
    summary: "Sign out: ends the request's session on the server and clears the cookie",
    tag: 'auth',
    access: 'public',
    result: { status: 200, schema: SignOutResultSchema, description: 'Whether a session was ended' },
    errors: [],
    handle: async (_services, input) => ({ signedOut: await authOf(input).endSession() }),
  },
  {
    method: 'get',
    path: '/api/me',
    operationId: 'me',
    summary: 'Who is signed in, with which role, and the inactivity timeout',
    tag: 'auth',
    access: 'self',
    result: { status: 200, schema: MeSchema, description: 'The signed-in user' },
    errors: [401],
    handle: async (_services, input) => me(userOf(input), authOf(input)),
  },
  {
    method: 'get',
    path: '/api/me/tasks',
    operationId: 'myWork',
    summary: 'Your own open work: tasks assigned to you in running flows (overdue first, then by due date), your credential due dates and the open OSHA occurrences of your sites',
    description:
      'The same items as your calendar feed, from the audit ledger and the credential and OSHA records (not a live Temporal query). ' +
      '`overdue` is counted in the practice time zone as the flow checklist counts it. Anyone signed in may call it, about themselves only.',
    tag: 'auth',
    access: 'self',
    result: { status: 200, schema: MyWorkSchema, description: 'Your open work' },
    errors: [401],
    handle: ({ myWork }, input) => myWork.of(userOf(input).email),
  },
  {
    method: 'get',
    path: '/api/me/calendar-feed',
    operationId: 'myCalendarFeed',
    summary: 'Your private iCalendar feed of your own due dates (tasks, credentials, OSHA occurrences): created on first call',
    description:
      'Subscribe to `url` in Outlook, Google Calendar or Apple Calendar. The URL carries a token of its own (never your password), shown only in the answer that creates it; ' +
      'revoke it (POST /api/me/calendar-feed/revoke) when it leaks or to get a new URL.',
    tag: 'auth',
    access: 'self',
    result: { status: 200, schema: CalendarFeedSchema, description: 'The feed (with its URL when it was just created)' },
    errors: [401],
    handle: async ({ users }, input) => {
      const auth = authOf(input);
      return users.calendarFeed(userOf(input), (token) => `${auth.publicUrl}/calendar/${token}.ics`);
    },
  },
  {
    method: 'post',
    path: '/api/me/calendar-feed/revoke',
    operationId: 'revokeMyCalendarFeed',
    summary: 'Revoke your calendar feed URL: calendars subscribed to it get 404 from now on',
    tag: 'auth',
    access: 'self',
    result: { status: 200, schema: RevokedFeedSchema, description: 'How many feed URLs were revoked' },
    errors: [401],
    handle: ({ users }, input) => users.revokeCalendarFeed(userOf(input)),
  },
  {
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    summary: 'Create a user: { email, role: admin | manager | staff | auditor, password } (admin only)',
    tag: 'auth',
    access: 'admin',
    body: CreateUserBodySchema,
    result: { status: 201, schema: UserViewSchema, description: 'The user' },
    errors: [401, 403, 409],
    errorDescriptions: { 409: 'A user with this email exists' },
    handle: ({ users }, input) => users.createUser(input.body, userOf(input).email),
  },
  {
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    summary: 'The users and their roles (admin only)',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: UserListSchema, description: 'Users by email' },
    errors: [401, 403],
    handle: ({ users }) => users.listUsers(),
  },
  {
    method: 'post',
    path: '/api/users/:id/disable',
    operationId: 'disableUser',
    summary: 'Disable a user or service account: no more sign-in, their sessions end and their API tokens are revoked (admin only)',
    description: 'Not your own account, and not the last active admin (409). Enabling again restores sign-in, not the old sessions or tokens.',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: UserViewSchema, description: 'The disabled user' },
    errors: [401, 403, 404, 409],
    errorDescriptions: { 404: 'No such user', 409: 'Your own account, or the last active admin' },
    handle: ({ users }, input) => users.disableUser(input.params.id!, userOf(input).email),
  },
  {
    method: 'post',
    path: '/api/users/:id/enable',
    operationId: 'enableUser',
    summary: 'Enable a disabled user or service account again: they can sign in (or be issued tokens) again (admin only)',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: UserViewSchema, description: 'The enabled user' },
    errors: [401, 403, 404],
    errorDescriptions: { 404: 'No such user' },
    handle: ({ users }, input) => users.enableUser(input.params.id!, userOf(input).email),
  },
  {
    method: 'post',
    path: '/api/service-accounts',
    operationId: 'createServiceAccount',
    summary: 'Create a service account for an integration: { name, role: manager | staff | auditor } (admin only)',
    description:
      'Its own identity, `service:<name>`, under which everything done with its tokens is recorded; no password (it cannot sign in with the form); never an admin. ' +
      'Issue its tokens with POST /api/tokens { name, serviceAccount }; disable and enable it like a user.',
    tag: 'auth',
    access: 'admin',
    body: CreateServiceAccountBodySchema,
    result: { status: 201, schema: UserViewSchema, description: 'The service account (kind service)' },
    errors: [401, 403, 409],
    errorDescriptions: { 409: 'A service account with this name exists' },
    handle: ({ users }, input) => users.createServiceAccount(input.body, userOf(input).email),
  },
  {
    method: 'get',
    path: '/api/sign-in-locks',
    operationId: 'listSignInLocks',
    summary: 'Failed sign-ins still counted, per email and per client address, and the locks in force (admin only)',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: SignInLockListSchema, description: 'Locked first' },
    errors: [401, 403],
    handle: ({ users }) => users.throttle.list(),
  },
  {
    method: 'post',
    path: '/api/sign-in-locks/lift',
    operationId: 'liftSignInLock',
    summary: 'Lift a sign-in lock and clear its count: { scope: account | address, key: email or IP address } (admin only; recorded in the audit ledger)',
    tag: 'auth',
    access: 'admin',
    body: LiftSignInLockBodySchema,
    result: { status: 200, schema: SignInLockSchema, description: 'The counter, cleared' },
    errors: [401, 403, 404],
    errorDescriptions: { 404: 'No failed sign-ins are counted for that email or address' },
    handle: ({ users }, input) => users.throttle.lift(input.body, userOf(input).email),
  },
  {
    method: 'post',
    path: '/api/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token for yourself (anyone signed in), or for a service account (admin): { name, serviceAccount? }; the token is in this answer only',
    description:
      'A token acts as the one it is issued to, with their role: yourself, or with `serviceAccount` (admin only) that service account, recorded as `service:<name>`. ' +
      'It never acts as another person: `email`, if given, must be yours (403 naming the field otherwise). PracticeFlow keeps only its SHA-256.',
    tag: 'auth',
    access: 'self',
    body: CreateTokenBodySchema,
    result: { status: 201, schema: TokenCreatedSchema, description: 'The token' },
    errors: [401, 403, 404, 409],
    errorDescriptions: { 403: 'email names someone else, or serviceAccount without being an admin, or a service account asking', 404: 'No such service account', 409: 'The service account is disabled' },
    handle: ({ users }, input) => users.createToken(userOf(input), input.body),
  },
  {
    method: 'post',
    path: '/api/tokens/:id/revoke',
    operationId: 'revokeApiToken',
    summary: 'Revoke an API token: requests with it answer 401 from now on (admin only)',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: TokenViewSchema, description: 'The revoked token' },
    errors: [401, 403, 404],
    errorDescriptions: { 404: 'No such token' },
    handle: ({ users }, input) => users.revokeToken(input.params.id!, userOf(input).email),
  },
  {
    method: 'get',
    path: '/api/tokens',
    operationId: 'listApiTokens',
    summary: 'The API tokens: name, user, created, last used, revoked (admin only); never the tokens themselves',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: TokenListSchema, description: 'Tokens, newest first' },
    errors: [401, 403],
    handle: ({ users }) => users.listTokens(),
  },
];
