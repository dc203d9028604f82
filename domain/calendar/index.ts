export * from './business-calendar';
export * from './holidays';
export * from './iso-date';
export * from './time-zone';
