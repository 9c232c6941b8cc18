using System.Runtime.CompilerServices;

namespace SupportRelay.Tests.Infrastructure;

internal static class TestHostDefaults
{
    /// <summary>
    /// The tests start hundreds of hosts (the service and its fakes), and each would watch its
    /// configuration files for changes: Linux allows a user 128 inotify instances. Nothing here edits
    /// configuration files at run time, so the hosts do not watch them.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "A test assembly's process-wide setting, before any host starts.")]
    internal static void DoNotWatchConfigurationFiles() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
