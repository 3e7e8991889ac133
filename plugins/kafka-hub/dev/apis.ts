import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { IdentityApi } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { entities, TEAM_REF } from './fixtures';
import { MockKafkaHubApi } from './MockKafkaHubApi';

/** The dev apps' Kafka Hub API: fixtures instead of a backend. */
export const mockKafkaHubApi = new MockKafkaHubApi();

/** The dev apps' catalog: the fixtures' team and its two services. */
export const mockCatalogApi = new InMemoryCatalogClient({ entities });

/** Allows everything: the dev apps show what an admin sees. */
export const allowAllPermissionApi: PermissionApi = {
  authorize: async () => ({ result: AuthorizeResult.ALLOW }),
};

/** A guest in the fixtures' team, signed in without an auth backend. */
export const devIdentityApi: IdentityApi = {
  getBackstageIdentity: async () => ({
    type: 'user',
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', TEAM_REF],
  }),
  getProfileInfo: async () => ({ displayName: 'Guest' }),
  getCredentials: async () => ({}),
  signOut: async () => {},
};
