export async function profileSlowest(_m: Record<string, number>, _quick: boolean, _dir: string, _log: (s: string) => void): Promise<string | undefined> {
  return undefined;
}
