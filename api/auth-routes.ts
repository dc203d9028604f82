// Sign-in, the signed-in user and their own open work, users and API tokens (admin), and the calendar feed (joined to the
// route table in ./routes.ts). Sessions live in a signed cookie over a server-side session row
// (services/users.ts): automatic logoff after inactivity is enforced on the server.
import {
  CalendarFeedSchema,
  CreateTokenBodySchema,
  CreateUserBodySchema,
  MeSchema,
  MyWorkSchema,
  RevokedFeedSchema,
  SignInBodySchema,
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
      'The cookie is HttpOnly and SameSite=Strict. Integrations use an API token instead (Authorization: Bearer).',
    tag: 'auth',
    access: 'public',
    body: SignInBodySchema,
    result: { status: 200, schema: MeSchema, description: 'Signed in' },
    errors: [401],
    errorDescriptions: { 401: 'Email or password is not correct, or the user is disabled' },
    handle: async ({ users }, input) => {
      const auth = authOf(input);
      const { user, sessionToken } = await users.signIn(input.body);
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
    summary: 'Disable a user: no more sign-in, their sessions end and their API tokens stop working (admin only)',
    tag: 'auth',
    access: 'admin',
    result: { status: 200, schema: UserViewSchema, description: 'The disabled user' },
    errors: [401, 403, 404],
    errorDescriptions: { 404: 'No such user' },
    handle: ({ users }, input) => users.disableUser(input.params.id!, userOf(input).email),
  },
  {
    method: 'post',
    path: '/api/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token for integrations and the CLI: { name, email? } (admin only); the token is in this answer only',
    description: 'Everything done with the token is recorded as its user (`email`, default: you). PracticeFlow keeps only its SHA-256.',
    tag: 'auth',
    access: 'admin',
    body: CreateTokenBodySchema,
    result: { status: 201, schema: TokenCreatedSchema, description: 'The token' },
    errors: [401, 403, 404],
    errorDescriptions: { 404: 'No user with that email' },
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
