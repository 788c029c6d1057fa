// The demo: recreates the January 2000 story on a new database. Each capability adds its step
// here (list and contacts, incident, poll); each step runs once per database, ever.

import { settings } from "../db/schema";
import type { Deps } from "./deps";
import { incidentDemoStep } from "./incidents/demo";
import { demoListStep } from "./lists/seed";
import { pollDemoStep } from "./polls/demo";
import { readSetting } from "./settings";
import { statusDemoStep } from "./status/demo";

export type SeedStep = { name: string; run(deps: Deps): Promise<void> };

export const demoSteps: SeedStep[] = [demoListStep, statusDemoStep, incidentDemoStep, pollDemoStep];

export async function seedDemo(deps: Deps, steps: SeedStep[] = demoSteps): Promise<string[]> {
  const ran: string[] = [];
  for (const step of steps) {
    const key = `seed:${step.name}`;
    if ((await readSetting(deps.db, key)) !== undefined) continue;
    await step.run(deps);
    await deps.db
      .insert(settings)
      .values({ key, value: deps.clock.now().toISOString() })
      .onConflictDoNothing();
    ran.push(step.name);
  }
  return ran;
}
