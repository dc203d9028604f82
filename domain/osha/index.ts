export * from './obligations';
export * from './plan';
