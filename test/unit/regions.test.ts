import { describe, expect, it } from '@jest/globals';
import { desiredRegion, regionChangeError, regionOf } from '../../src/domain/regions';

describe('Region precedence (ACK’s)', () => {
  const processDefault = 'us-east-1';

  it('the object’s annotation, else its namespace’s default, else the process’s', () => {
    expect(desiredRegion({ object: 'eu-west-1', namespaceDefault: 'ap-south-1', processDefault })).toBe('eu-west-1');
    expect(desiredRegion({ namespaceDefault: 'ap-south-1', processDefault })).toBe('ap-south-1');
    expect(desiredRegion({ processDefault })).toBe('us-east-1');
    // An empty annotation says nothing.
    expect(desiredRegion({ object: ' ', namespaceDefault: '', processDefault })).toBe('us-east-1');
  });

  it('once the resource exists, its recorded Region wins over everything', () => {
    expect(
      regionOf({ recorded: 'eu-west-1', object: 'us-west-2', namespaceDefault: 'ap-south-1', processDefault }),
    ).toBe('eu-west-1');
    expect(regionOf({ object: 'us-west-2', processDefault })).toBe('us-west-2');
  });

  it('asking for another Region than the resource’s is refused, saying where it lives and what to do', () => {
    expect(regionChangeError({ recorded: 'eu-west-1', object: 'eu-west-1', processDefault }, 'x')).toBeUndefined();
    expect(regionChangeError({ object: 'eu-west-1', processDefault }, 'x')).toBeUndefined();
    expect(
      regionChangeError({ recorded: 'eu-west-1', object: 'us-west-2', processDefault }, 'its EFS file system'),
    ).toEqual({
      field: 'metadata.annotations[services.k8s.aws/region]',
      message:
        'asks for Region us-west-2 (from the annotation services.k8s.aws/region), but its EFS file system already lives in ' +
        'eu-west-1 (status.ackResourceMetadata.region) and AWS cannot move it: set services.k8s.aws/region: eu-west-1 on ' +
        'this object to keep managing it, or delete this object and create a new one for us-west-2',
    });
    // A namespace default that changed under an existing resource is refused the same way, naming its source.
    expect(
      regionChangeError(
        { recorded: 'us-east-1', namespaceDefault: 'ap-south-1', processDefault },
        'its EFS access point',
      )?.message,
    ).toContain("asks for Region ap-south-1 (from the namespace's services.k8s.aws/default-region)");
  });
});
