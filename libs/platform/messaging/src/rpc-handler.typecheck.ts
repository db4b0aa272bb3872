/*
 * Compile-time checks of `@Handles` and `RpcClient.call` (run by `npm run typecheck`; nothing
 * here runs). Each `@ts-expect-error` is a mismatch that must not compile: if one compiled, the
 * directive itself would be the error.
 */
import { defineRpc, RequestContext } from '@circulate/contracts';
import type { RpcClient } from './rpc-client';
import { Handles, rpcHandlers } from './rpc-handler';

interface Req {
  id: string;
}
interface Res {
  quantity: number;
}
const def = defineRpc<Req, Res>('test.thing.get.v1');

export class Fits {
  @Handles(def)
  sync(_ctx: RequestContext, data: Req): Res {
    return { quantity: data.id.length };
  }

  @Handles(def)
  async promised(_ctx: RequestContext, _data: Req): Promise<Res> {
    return { quantity: 1 };
  }

  @Handles(def)
  ignoresData(_ctx: RequestContext): Res {
    return { quantity: 1 };
  }
}

export class Mismatches {
  // @ts-expect-error the reply is not the definition's
  @Handles(def)
  wrongReply(_ctx: RequestContext, _data: Req): { count: number } {
    return { count: 1 };
  }

  // @ts-expect-error the handler expects a field the request does not have
  @Handles(def)
  wrongRequest(_ctx: RequestContext, data: { sku: string }): Res {
    return { quantity: data.sku.length };
  }

  // @ts-expect-error a possibly missing reply is not the definition's reply
  @Handles(def)
  maybe(_ctx: RequestContext, _data: Req): Res | null {
    return null;
  }
}

export async function callers(rpc: RpcClient, ctx: RequestContext): Promise<number> {
  const res = await rpc.call(def, ctx, { id: 'x' });
  // @ts-expect-error the request is not the definition's
  await rpc.call(def, ctx, { sku: 'x' });
  // @ts-expect-error the reply has no such field
  return res.quantity + res.count;
}

export const tables = {
  fits: rpcHandlers({ def }, { def: (_ctx, data) => ({ quantity: data.id.length }) }),
  // @ts-expect-error the reply is not the definition's
  wrongReply: rpcHandlers({ def }, { def: () => ({ count: 1 }) }),
  // @ts-expect-error the request has no such field
  wrongRequest: rpcHandlers({ def }, { def: (_ctx, data) => ({ quantity: data.sku.length }) }),
  // @ts-expect-error no such definition
  unknown: rpcHandlers({ def }, { other: () => ({ quantity: 1 }) }),
};
