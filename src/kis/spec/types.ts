/** Shapes of the generated KIS layout tables (the one source of truth for paths, tr_ids and field order). */
export interface RestQueryParam {
  readonly name: string;
  readonly required: boolean;
}

export interface RestBlockLayout {
  readonly kind: 'object' | 'array';
  readonly fields: readonly string[];
}

export interface RestEndpointLayout {
  /** KIS's sheet name (Korean). */
  readonly name: string;
  readonly apiId: string;
  readonly method: string;
  readonly path: string;
  readonly trIdReal: string | null;
  /** null = not offered on paper (모의투자 미지원). */
  readonly trIdPaper: string | null;
  /** Query parameters (GET) or body fields (POST), in the workbook's order. */
  readonly query: readonly RestQueryParam[];
  readonly responseHeaders: readonly string[];
  /** Scalar top-level response fields (rt_cd, msg_cd, msg1, or the oauth fields). */
  readonly topFields: readonly string[];
  /** Response blocks (`output`, `output1`, …) with their fields in wire order, names lower-cased. */
  readonly blocks: Readonly<Record<string, RestBlockLayout>>;
}

export interface RealtimeTrLayout {
  readonly trId: string;
  readonly name: string;
  readonly trIdPaper: string | null;
  /** Payload is AES-256-CBC encrypted (execution notices). */
  readonly encrypted: boolean;
  /** Field names in record order, lower-cased. */
  readonly fields: readonly string[];
}
