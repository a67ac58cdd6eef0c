/**
 * `npm run token -- <role> <userId>`: prints a JWT from the local issuer for calling the API.
 */
import { resolve } from 'node:path';
import { issueLocalToken } from '../adapters/auth/local-issuer';
import { LocalConfig, parseConfig } from '../adapters/config';
import { Role } from '../core/schemas';

const [roleArg, userId] = process.argv.slice(2);
const role = Role.safeParse(roleArg);
if (!role.success || !userId) {
  process.stderr.write('usage: npm run token -- <regisseur|beheerder|gemeente> <userId>\n');
  process.exit(2);
}
const config = parseConfig(LocalConfig);
process.stdout.write(`${await issueLocalToken(resolve(config.DATA_DIR), role.data, userId)}\n`);
