/** The actor of what PracticeFlow does by itself (reminders, escalations, lapses), in the ledger. */
export const SYSTEM_ACTOR = 'system:practiceflow';
