import { NamespaceClaim, LinkKind } from '../database/claims';
import { topicOfSubject } from '../schemas/topicOfSubject';

/**
 * Finds the namespace a consumer group or schema subject is inside: a
 * group whose id starts with a claimed prefix, a subject whose topic (under
 * the topic-name strategy) does. The longest prefix wins, should stored
 * prefixes ever overlap. Lookups cost one map probe per distinct prefix
 * length, not one comparison per claim.
 */
export class NamespaceIndex {
  private readonly byPrefix = new Map<string, NamespaceClaim>();
  private readonly lengths: number[];

  constructor(claims: Iterable<NamespaceClaim>) {
    for (const claim of claims) {
      if (claim.prefix !== '') this.byPrefix.set(claim.prefix, claim);
    }
    this.lengths = [
      ...new Set([...this.byPrefix.keys()].map(p => p.length)),
    ].sort((a, b) => b - a);
  }

  /** The namespace a consumer group id is inside, if any. */
  ofGroup(groupId: string): NamespaceClaim | undefined {
    return this.longestPrefixOf(groupId, false);
  }

  /**
   * The namespace of a subject's topic under the topic-name strategy
   * (`<topic>-key|value`); the prefix alone is not a topic inside it.
   */
  ofSubject(subject: string): NamespaceClaim | undefined {
    const topic = topicOfSubject(subject)?.topic;
    return topic === undefined ? undefined : this.longestPrefixOf(topic, true);
  }

  /**
   * The namespace a topic is inside: its name starts with a claimed prefix
   * (the prefix alone is not a topic inside it).
   */
  ofTopic(topic: string): NamespaceClaim | undefined {
    return this.longestPrefixOf(topic, true);
  }

  of(kind: LinkKind, name: string): NamespaceClaim | undefined {
    return kind === 'consumer-group'
      ? this.ofGroup(name)
      : this.ofSubject(name);
  }

  private longestPrefixOf(
    name: string,
    strictlyLonger: boolean,
  ): NamespaceClaim | undefined {
    for (const length of this.lengths) {
      if (length > name.length || (strictlyLonger && length === name.length)) {
        continue;
      }
      const claim = this.byPrefix.get(name.slice(0, length));
      if (claim) return claim;
    }
    return undefined;
  }
}
