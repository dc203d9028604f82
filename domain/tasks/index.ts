export * from './model';
export * from './ladder';
export * from './notices';
