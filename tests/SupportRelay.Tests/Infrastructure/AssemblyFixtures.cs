[assembly: AssemblyFixture(typeof(SupportRelay.Tests.Infrastructure.PostgresCleanup))]
