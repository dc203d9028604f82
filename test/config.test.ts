import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/env';

describe('configuration from the environment', () => {
  it('has working defaults for a local machine', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.PRACTICE_TIME_ZONE).toBe('America/New_York');
    expect(config.DATABASE_URL).toBeUndefined();
    // Automatic logoff after 15 idle minutes (45 CFR 164.312(a)(2)(iii)).
    expect(config.SESSION_IDLE_MINUTES).toBe(15);
    expect(config.SESSION_SECRET).toBeUndefined();
  });

  it.each([
    ['TEMPORAL_ADDRESS', 'not an address', /TEMPORAL_ADDRESS: must be host:port/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be a postgresql/],
    ['SMTP_URL', 'http://mail', /SMTP_URL: must be an smtp/],
    ['PRACTICE_TIME_ZONE', 'Eastern', /PRACTICE_TIME_ZONE: must be an IANA time zone/],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'lots', /WORKER_MAX_CONCURRENT_ACTIVITIES: must be a whole number/],
    ['NODE_ENV', 'staging', /NODE_ENV:/],
    ['SESSION_IDLE_MINUTES', '0', /SESSION_IDLE_MINUTES: must be greater than 0/],
    ['SESSION_IDLE_MINUTES', '2000', /SESSION_IDLE_MINUTES: must be at most 1440/],
    ['SESSION_SECRET', 'short', /SESSION_SECRET: must be at least 32 characters/],
    ['PRACTICEFLOW_PUBLIC_URL', 'clinic', /PRACTICEFLOW_PUBLIC_URL: must be a URL/],
  ])('rejects a bad %s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('requires the TLS certificate and key together, and a prebuilt bundle in production', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WORKFLOW_BUNDLE_PATH: is required/);
  });
});

describe('a process started with a bad variable', () => {
  it('stops with a message naming the variable', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync('npx', ['tsx', 'worker/main.ts'], {
      env: { ...process.env, TEMPORAL_ADDRESS: 'localhost', PRACTICE_TIME_ZONE: 'Eastern' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(run.stderr).toMatch(/PRACTICE_TIME_ZONE: must be an IANA time zone/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });
});
