import { Controller, Get, Post, Put, UseInterceptors } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { IdempotencyInterceptor, idempotentPosts } from './idempotency';

class Other implements NestInterceptor {
  intercept(_c: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

@Controller('things')
class ThingsController {
  @Post()
  create(): string {
    return 'create';
  }

  @Post('batch')
  @UseInterceptors(Other)
  batch(): string {
    return 'batch';
  }

  @Get()
  list(): string {
    return 'list';
  }

  @Put(':id')
  replace(): string {
    return 'replace';
  }

  helper(): string {
    return 'helper';
  }
}

const interceptorsOf = (name: keyof ThingsController) =>
  Reflect.getMetadata(INTERCEPTORS_METADATA, ThingsController.prototype[name]) ?? [];

describe('idempotentPosts (Idempotency-Key on POST routes only, not a global interceptor)', () => {
  idempotentPosts([ThingsController]);

  it('puts the interceptor on every POST route, before the route’s own', () => {
    expect(interceptorsOf('create')).toEqual([IdempotencyInterceptor]);
    expect(interceptorsOf('batch')).toEqual([IdempotencyInterceptor, Other]);
  });

  it('leaves other routes and plain methods without interceptors', () => {
    expect(interceptorsOf('list')).toEqual([]);
    expect(interceptorsOf('replace')).toEqual([]);
    expect(interceptorsOf('helper')).toEqual([]);
  });

  it('adds it once however often it is applied', () => {
    idempotentPosts([ThingsController]);
    expect(interceptorsOf('create')).toEqual([IdempotencyInterceptor]);
  });
});
