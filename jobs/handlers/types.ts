/** Handler signatures, typed from the catalog: a handler gets its job's parsed payload. */
import type { Job } from 'bullmq';
import type { JobName, Payload } from '../catalog.js';
import type { PipelineServices } from '../services.js';

export interface HandlerContext {
  job: Job;
  /** Aborted when the worker is closing and the job should hand itself back. */
  signal?: AbortSignal;
  services: PipelineServices;
}

export type Handler<N extends JobName> = (payload: Payload<N>, ctx: HandlerContext) => Promise<unknown>;
export type HandlerMap = { [N in JobName]: Handler<N> };
