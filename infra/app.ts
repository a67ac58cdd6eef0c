/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). `npx cdk synth` works
 * offline with no arguments; parameters come from context (infra/README.md).
 */
import { createApp } from './trajectregie-app';

createApp().app.synth();
