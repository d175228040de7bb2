export { openDatabase, isPostgresUrl, rowsOf, concurrentTransactions, type Database, type DatabaseHandle, type BackendKind } from './database.ts';
export { migrate } from './migrate.ts';
export { createScratchDatabase, type ScratchDatabase } from './scratch.ts';
export { insertRows, insertStatement, insertIntoMany, type BulkInsertOptions } from './bulk.ts';
export { executeNamed } from './prepared.ts';
export { composeCtes, cteParts, type CteParts } from './ctes.ts';
export { constraintOf, sqlStateOf } from './errors.ts';
