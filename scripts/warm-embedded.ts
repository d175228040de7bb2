// Run after `npm install`: prepares the embedded database template so the first start is fast.
import { warmTemplate } from '../src/platform/db/pglite-template.ts';

await warmTemplate();
