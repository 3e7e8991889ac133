import {
  OrgScaleBackend,
  OrgScaleResponse,
  orgScaleDatabases,
  startOrgScaleBackend,
} from './__testUtils__/orgScale';

jest.setTimeout(180_000);

describe.each(orgScaleDatabases())('org-scale harness on %s', (_, database) => {
  let org: OrgScaleBackend;

  beforeAll(async () => {
    org = await startOrgScaleBackend({
      applications: 30,
      consumerGroups: 45,
      subjects: 20,
      environments: ['dev', 'stage'],
      database,
    });
  });

  afterAll(async () => {
    await org?.stop();
  });

  it("puts every application in the catalog, owned by its team, and every user in the team's group", async () => {
    expect(org.teams.map(t => [t.name, t.applications.length])).toEqual([
      ['team-a', 3],
      ['team-b', 3],
      ['team-c', 3],
      ['team-big', 21],
    ]);
    for (const team of org.teams) {
      const owned = await org.get(
        `/api/catalog/entities/by-query?filter=${encodeURIComponent(
          `kind=component,relations.ownedBy=${team.groupRef}`,
        )}&fields=metadata.name,metadata.annotations,relations&limit=100`,
        { as: 'service' },
      );
      expectOk(owned);
      expect(
        owned.body.items
          .map((e: any) => `component:default/${e.metadata.name}`)
          .sort(),
      ).toEqual(team.applications);
      for (const entity of owned.body.items) {
        expect(entity.metadata.annotations['kafka-hub.io/application']).toBe(
          entity.metadata.name,
        );
        expect(entity.relations).toContainEqual({
          type: 'ownedBy',
          targetRef: team.groupRef,
        });
      }
      const [user] = team.users;
      const member = await org.get(
        `/api/catalog/entities/by-name/user/default/${user.split('/')[1]}`,
        { as: 'service' },
      );
      expect(member.body.relations).toContainEqual({
        type: 'memberOf',
        targetRef: team.groupRef,
      });
    }
  });

  it("shows a team member exactly the team's applications, through the real permission backend", async () => {
    const teamA = org.team('team-a');
    org.permissionCalls.reset();
    const res = await org.get('/api/kafka-hub/applications', {
      as: teamA.users[0],
    });
    expectOk(res);
    expect(entityRefs(res.body).sort()).toEqual(teamA.applications);
    // The Kafka Hub plugin asked the permission backend on the user's behalf.
    expect(org.permissionCalls.count({ plugin: 'kafka-hub' })).toBeGreaterThan(
      0,
    );
  });

  it('shows an admin every application, and an outsider none', async () => {
    const all = await org.get('/api/kafka-hub/applications?limit=100', {
      as: org.admins[0],
    });
    expectOk(all);
    expect(entityRefs(all.body)).toHaveLength(30);

    const none = await org.get('/api/kafka-hub/applications', {
      as: org.outsider,
    });
    expectOk(none);
    expect(entityRefs(none.body)).toEqual([]);
  });

  it("seeds consumer groups and subjects linked to the applications, which a team member sees as the team's", async () => {
    const teamB = org.team('team-b');
    const owned = new Set(teamB.applications);
    const groups = await org.get('/api/kafka-hub/consumer-groups?limit=100', {
      as: teamB.users[0],
    });
    expectOk(groups);
    const groupRefs = entityRefs(groups.body);
    expect(groupRefs.length).toBeGreaterThan(0);
    expect(groupRefs.every(ref => owned.has(ref))).toBe(true);
    // 45 groups over 30 applications: each team-b application has one or two.
    const expectedGroups = teamB.applications
      .map(ref => Number(ref.slice(-5)))
      .reduce((sum, i) => sum + (i < 15 ? 2 : 1), 0);
    expect(groupRefs).toHaveLength(expectedGroups);

    const subjects = await org.get('/api/kafka-hub/schemas?limit=100', {
      as: teamB.users[0],
    });
    expectOk(subjects);
    const subjectRefs = entityRefs(subjects.body);
    // 20 subjects: applications 0..19 have one each.
    expect(subjectRefs.sort()).toEqual(
      teamB.applications.filter(ref => Number(ref.slice(-5)) < 20),
    );
  });
});

/** The entity refs of a list answer, paginated (`items`) or not (an array). */
function entityRefs(body: any): string[] {
  const items: any[] = Array.isArray(body) ? body : body.items;
  return items.map(item => item.entityRef);
}

/** Fails with the answer's body, so an error names its cause. */
function expectOk(res: OrgScaleResponse) {
  if (res.status !== 200) {
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
}
