export async function kbuild(_args: string[], _cwd: string): Promise<number> { return 2; }
