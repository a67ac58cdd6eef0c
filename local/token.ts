/**
 * `npm run token -- <role> <userId>`: prints a JWT from the local issuer for calling the API, for
 * a user the directory knows, active, in that role. The runtime (`npm start`) holds the database,
 * so the directory is read from the snapshot it writes (local/directory-file.ts).
 */
import { resolve } from 'node:path';
import { issueLocalToken } from '../adapters/auth/local-issuer';
import { LocalConfig, parseConfig } from '../adapters/config';
import { Role } from '../core/schemas';
import { readDirectorySnapshot, refusal } from './directory-file';

const [roleArg, userId] = process.argv.slice(2);
const role = Role.safeParse(roleArg);
if (!role.success || !userId) {
  process.stderr.write('usage: npm run token -- <regisseur|beheerder|gemeente> <userId>\n');
  process.exit(2);
}
const config = parseConfig(LocalConfig);
const dataDir = resolve(config.DATA_DIR);
const refused = refusal(await readDirectorySnapshot(dataDir), role.data, userId);
if (refused) {
  process.stderr.write(`no token: ${refused} (DATA_DIR ${dataDir})\n`);
  process.exit(1);
}
process.stdout.write(`${await issueLocalToken(dataDir, role.data, userId)}\n`);
