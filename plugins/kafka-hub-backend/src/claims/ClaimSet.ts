import { Knex } from 'knex';
import { KafkaHubAnnotation } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  LinkClaim,
  LinkClaimStore,
  LinkKind,
  NamespaceClaim,
  NamespaceClaimStore,
} from '../database/claims';
import { NamespaceIndex } from './NamespaceIndex';

/** Who a consumer group or subject belongs to, and what linked it. */
export interface ClaimedLink {
  entityRef: string;
  linkedBy: 'prefix' | KafkaHubAnnotation;
}

/**
 * The recorded claims, as the linkers use them: a name inside a claimed
 * namespace belongs to the namespace's holder, whatever annotations say;
 * a name outside every namespace belongs to the entity holding its
 * explicit link claim; anything else to nobody.
 */
export class ClaimSet {
  private readonly namespaces: NamespaceIndex;
  private readonly links = new Map<string, LinkClaim>();

  constructor(
    namespaces: Iterable<NamespaceClaim>,
    links: Iterable<LinkClaim>,
  ) {
    this.namespaces = new NamespaceIndex(namespaces);
    for (const link of links) {
      this.links.set(linkKey(link.environment, link.kind, link.name), link);
    }
  }

  /** The holder of the claimed namespace a topic is inside, if any. */
  holderOfTopic(topic: string): string | undefined {
    return this.namespaces.ofTopic(topic)?.entityRef;
  }

  linkOf(
    environment: string,
    kind: LinkKind,
    name: string,
  ): ClaimedLink | undefined {
    const namespace = this.namespaces.of(kind, name);
    if (namespace) {
      return { entityRef: namespace.entityRef, linkedBy: 'prefix' };
    }
    const link = this.links.get(linkKey(environment, kind, name));
    return link
      ? { entityRef: link.entityRef, linkedBy: link.annotation }
      : undefined;
  }
}

function linkKey(environment: string, kind: LinkKind, name: string): string {
  return `${environment}\u0000${kind}\u0000${name}`;
}

/**
 * Reads the claims from the database on every call, so the sync tasks of
 * every replica link alike.
 */
export class ClaimReader {
  private readonly namespaces: NamespaceClaimStore;
  private readonly links: LinkClaimStore;

  constructor(db: Knex) {
    this.namespaces = new NamespaceClaimStore(db);
    this.links = new LinkClaimStore(db);
  }

  async read(): Promise<ClaimSet> {
    const [namespaces, links] = await Promise.all([
      this.namespaces.list(),
      this.links.list(),
    ]);
    return new ClaimSet(namespaces, links);
  }
}
