/** Column layout of `option_matrices_<product>` tables: ITM(N)…ITM(1), ATM, OTM(1)…OTM(N) per side. */

/** The 2N+1 column names of one side, in array order. */
export function sideColumnNames(side: 'call' | 'put', n: number): string[] {
  const out: string[] = [];
  for (let i = n; i >= 1; i--) out.push(`${side}_itm${i}`);
  out.push(`${side}_atm`);
  for (let i = 1; i <= n; i++) out.push(`${side}_otm${i}`);
  return out;
}

/** All value columns: the call side then the put side. */
export const matrixColumnNames = (n: number): string[] => [
  ...sideColumnNames('call', n),
  ...sideColumnNames('put', n),
];
