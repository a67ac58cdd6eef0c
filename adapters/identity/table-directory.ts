import type { IdentityProvider } from '../../core/ports';

/**
 * The local runtime's identity provider: the directory in the table is all there is. The local
 * token issuer (`npm run token`) asks the directory itself, so creating or deactivating a user
 * needs nothing more here; on AWS, adapters/identity/cognito.ts keeps Cognito in step.
 */
export const tableDirectory: IdentityProvider = {
  createUser: async () => {},
  setActive: async () => {},
  setEmail: async () => {},
};
