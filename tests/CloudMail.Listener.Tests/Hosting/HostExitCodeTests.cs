using CloudMail.Listener.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>
/// The exit code <c>serve</c> and <c>listener</c> end with, for a service manager that restarts on failure: 0 only for a
/// stop that was asked for; 1 when the host could not start or a background service failed and stopped it.
/// </summary>
public sealed class HostExitCodeTests
{
    [Fact]
    public async Task A_stop_that_was_asked_for_is_0()
    {
        using var host = Build(services => services.AddHostedService<StopsTheHost>());
        var error = new StringWriter();
        Assert.Equal(0, await CloudMailCommandLine.RunHostAsync(host, error).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task A_background_service_that_failed_and_stopped_the_host_is_1_and_said()
    {
        using var host = Build(services => services.AddHostedService<Fails>());
        var error = new StringWriter();
        Assert.Equal(1, await CloudMailCommandLine.RunHostAsync(host, error).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("cloudmail: stopped: Fails failed: the queue database went away", error.ToString().Trim());
    }

    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Services);
        return builder.Build();
    }

    private sealed class StopsTheHost(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            lifetime.StopApplication();
        }
    }

    private sealed class Fails : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(10, stoppingToken);
            throw new InvalidOperationException("the queue database went away");
        }
    }
}
